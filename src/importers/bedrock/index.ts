import fs from 'node:fs';
import { RecountError } from '../../errors.js';
import { readHead, someJsonLine } from '../common/file-head.js';
import type { FileHead, Importer } from '../format.js';

/**
 * AWS Bedrock model invocation logs: JSON lines from S3 delivery or CloudWatch events, or one JSON
 * document exported from CloudWatch Logs (Insights console, filter-log-events, get-query-results).
 */
export const bedrockInvocationLogs: Importer = {
  id: 'bedrock-invocation-logs',
  title: 'AWS Bedrock model invocation logs (S3 JSON lines, CloudWatch events or exports)',
  provider: 'aws-bedrock',
  role: 'requests',
  merge: 'keep-best',
  // a CloudWatch Logs document's events are read first; JSON lines stream through the stage statement
  dir: 'bedrock',
  read: { kind: 'json-lines', each: 'file', reader: 'read', stage: 'stage', params: (files) => readerShape(files[0]) },
  sample: 'samples/bedrock/invocation-logs-s3.jsonl',
  detect: (head) =>
    someJsonLine(head, (o) => o.schemaType === 'ModelInvocationLog' || wrapsInvocationLog(o.message)) ||
    startsLikeInvocationLog(head.text) ||
    exportsInvocationLogs(head),
};

/** A CloudWatch event whose message is an invocation record (as a JSON string). */
function wrapsInvocationLog(message: unknown): boolean {
  return typeof message === 'string' && message.trimStart().startsWith('{') && /"schemaType"\s*:\s*"ModelInvocationLog"/.test(message);
}

const SCHEMA = /\\?"schemaType\\?"\s*:\s*\\?"ModelInvocationLog\\?"/;

/** A record too long for the head (a whole prompt inside) still names its schema on the first line,
 * also after a CloudWatch export's timestamp prefix or inside a wrapper's escaped message. */
function startsLikeInvocationLog(text: string): boolean {
  const firstLine = text.slice(0, 8192).split('\n', 1)[0];
  return /^(\d{4}-\d\d-\d\dT\S+\s+)?\{/.test(firstLine) && SCHEMA.test(firstLine);
}

/** A CloudWatch Logs export: one JSON document (often pretty-printed) whose events carry records. */
function exportsInvocationLogs(head: FileHead): boolean {
  const t = head.text.trimStart();
  return (t.startsWith('[') || t.startsWith('{')) && SCHEMA.test(head.text);
}

// the top-level keys of the AWS CLI's answers (and of PowerShell's rendering of them)
const ANSWER_KEYS = /^\{\s*"(events|results|eventCount|statistics|status|searchedLogStreams|nextToken|nextForwardToken|nextBackwardToken)"/;
// a record's own key, not one escaped inside an event's message text
const OWN_SCHEMA = /(^|[^\\])"schemaType"\s*:\s*"ModelInvocationLog"/;

/** How bedrock/read.sql reads a file: JSON lines, or which CloudWatch Logs document it is. */
export type DocumentShape = 'lines' | 'array' | 'events' | 'results' | 'cells' | 'object';

// an answer read typed holds only its messages in memory, but it is read in one piece (an array streams)
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * JSON lines, or one JSON document: an array (the Insights console's export), or an object that is
 * pretty-printed (a lone '{' first) or a compact CloudWatch answer ({"events": …}, {"results": …}).
 */
export function documentShape(file: string): DocumentShape {
  const text = readHead(file, 16 * 1024).text.trimStart();
  if (text.startsWith('[')) return 'array';
  const firstLine = text.split('\n', 1)[0].trim();
  if (firstLine !== '{' && !ANSWER_KEYS.test(firstLine)) return 'lines';
  if (OWN_SCHEMA.test(text)) return 'object'; // one pretty-printed record
  if (/"events"\s*:\s*\[/.test(text)) return 'events';
  const results = /"results"\s*:\s*\[\s*([[{\]])/.exec(text);
  if (results) return results[1] === '{' ? 'cells' : 'results';
  return 'object';
}

const SHAPES: readonly DocumentShape[] = ['lines', 'array', 'events', 'results', 'cells', 'object'];

/** The reader's flags, one true (the readers of the other shapes are planned away); a document too
 * large to read in one piece is refused with a hint. */
function readerShape(file: string): Record<string, boolean> {
  const shape = documentShape(file);
  const bytes = shape === 'lines' || shape === 'array' ? 0 : fs.statSync(file).size;
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new RecountError(
      `${file}: a CloudWatch Logs answer of ${Math.round(bytes / 2 ** 20)} MB is more than recount reads as one JSON document (64 MB)`,
      'export shorter time ranges, or the Insights console\'s JSON array, which is read event by event',
    );
  }
  return Object.fromEntries(SHAPES.map((s) => [`${s}_shape`, s === shape]));
}
