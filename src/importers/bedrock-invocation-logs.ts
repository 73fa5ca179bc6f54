import { someJsonLine } from './file-head.js';
import type { Importer } from './types.js';

/** AWS Bedrock model invocation logs (JSON lines from S3 delivery or a CloudWatch Logs export). */
export const bedrockInvocationLogs: Importer = {
  id: 'bedrock-invocation-logs',
  title: 'AWS Bedrock model invocation logs (JSON lines)',
  provider: 'aws-bedrock',
  role: 'requests',
  merge: 'keep-best',
  staging: 'one-file',
  sample: 'samples/bedrock/invocation-logs-s3.jsonl',
  detect: (head) =>
    someJsonLine(head, (o) => o.schemaType === 'ModelInvocationLog' || wrapsInvocationLog(o.message)) ||
    startsLikeInvocationLog(head.text),
};

/** A CloudWatch event whose message is an invocation record (as a JSON string). */
function wrapsInvocationLog(message: unknown): boolean {
  return typeof message === 'string' && message.trimStart().startsWith('{') && /"schemaType"\s*:\s*"ModelInvocationLog"/.test(message);
}

/** A record too long for the head (a whole prompt inside) still names its schema on the first line,
 * also after a CloudWatch export's timestamp prefix or inside a wrapper's escaped message. */
function startsLikeInvocationLog(text: string): boolean {
  const firstLine = text.slice(0, 8192).split('\n', 1)[0];
  return /^(\d{4}-\d\d-\d\dT\S+\s+)?\{/.test(firstLine) && /\\?"schemaType\\?"\s*:\s*\\?"ModelInvocationLog\\?"/.test(firstLine);
}
