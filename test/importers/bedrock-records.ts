// Bedrock invocation records and the CloudWatch Logs shapes that carry them (not a test file itself).

export interface RecordSpec {
  requestId: string;
  ts: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  modelId?: string;
  arn?: string;
  operation?: string;
  errorCode?: string;
  requestMetadata?: Record<string, string>;
  /** the output body as logged (default: a Converse body with latency metrics) */
  outputBody?: unknown;
}

/** A minimal invocation record as Bedrock writes it (Converse unless told, with optional cache counts). */
export function invocationRecord(o: RecordSpec): Record<string, unknown> {
  const input: Record<string, unknown> = { inputContentType: 'application/json', inputBodyJson: { messages: [] } };
  if (o.input !== undefined) input.inputTokenCount = o.input;
  if (o.cacheRead !== undefined) input.cacheReadInputTokenCount = o.cacheRead;
  if (o.cacheWrite !== undefined) input.cacheWriteInputTokenCount = o.cacheWrite;
  const output: Record<string, unknown> = { outputContentType: 'application/json', outputBodyJson: o.outputBody ?? { metrics: { latencyMs: 900 } } };
  if (o.output !== undefined) output.outputTokenCount = o.output;
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: o.ts,
    accountId: '418295730164',
    identity: { arn: o.arn ?? 'arn:aws:sts::418295730164:assumed-role/acme-support-bot-prod/i-0c7d2e91f4a3b5168' },
    region: 'us-east-1',
    requestId: o.requestId,
    operation: o.operation ?? 'Converse',
    modelId: o.modelId ?? 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    input,
    ...(o.output === undefined && o.outputBody === undefined ? {} : { output }),
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
    inferenceRegion: 'us-east-2',
    ...(o.requestMetadata ? { requestMetadata: o.requestMetadata } : {}),
  };
}

const BOM = '\uFEFF';
const ms = (r: Record<string, unknown>) => Date.parse(String(r.timestamp));
/** CloudWatch's own event time, as the Insights console writes it: '2026-10-22 09:00:00.000' (UTC). */
const consoleTime = (r: Record<string, unknown>) => new Date(ms(r)).toISOString().replace('T', ' ').replace('Z', '');

/** S3 delivery: one record per line. */
export const s3Lines = (records: Record<string, unknown>[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The Insights console's "Download results (JSON)": an array of {"@timestamp", "@message", …}, pretty-printed. */
export function insightsConsoleExport(records: Record<string, unknown>[], bom = true): string {
  const rows = records.map((r, i) => ({
    '@timestamp': consoleTime(r),
    '@message': JSON.stringify(r),
    '@logStream': 'aws/bedrock/modelinvocations',
    '@log': '418295730164:/aws/bedrock/modelinvocations',
    '@ptr': `CmAKJwojNDE4Mjk1NzMwMTY0Oi9hd3MvYmVkcm9jay${i}`,
  }));
  return (bom ? BOM : '') + JSON.stringify(rows, null, 2) + '\n';
}

/** `aws logs filter-log-events --output json`: {"events": [{"logStreamName", "timestamp", "message", …}]}, 4-space indented. */
export function filterLogEventsAnswer(records: Record<string, unknown>[]): string {
  const events = records.map((r, i) => ({
    logStreamName: 'aws/bedrock/modelinvocations',
    timestamp: ms(r),
    message: JSON.stringify(r),
    ingestionTime: ms(r) + 4_000,
    eventId: `3857261094712350${i}`,
  }));
  return JSON.stringify({ events, searchedLogStreams: [] }, null, 4) + '\n';
}

/** `aws logs get-query-results`: {"results": [[{"field", "value"}, …]], "statistics", "status"}; `flat`: the rows
 * run together into one list of cells, as PowerShell's ConvertTo-Json writes them. */
export function queryResultsAnswer(records: Record<string, unknown>[], opts: { compact?: boolean; flat?: boolean; bom?: boolean } = {}): string {
  const rows = records.map((r) => [
    { field: '@timestamp', value: consoleTime(r) },
    { field: 'requestId', value: String(r.requestId) },
    { field: '@message', value: JSON.stringify(r) },
    { field: '@ptr', value: 'CmAKJwojNDE4Mjk1NzMwMTY0' },
  ]);
  const answer = {
    results: opts.flat ? rows.flat() : rows,
    statistics: { recordsMatched: records.length, recordsScanned: records.length, bytesScanned: 51200 },
    status: 'Complete',
  };
  return (opts.bom ? BOM : '') + (opts.compact ? JSON.stringify(answer) : JSON.stringify(answer, null, 4)) + '\n';
}
