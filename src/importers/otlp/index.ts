import type { FileHead, Importer } from '../format.js';

/**
 * OpenTelemetry captures in OTLP JSON: the collector's file exporter (one ExportTraceServiceRequest or
 * ExportLogsServiceRequest per line, gzip too) or a saved OTLP/HTTP JSON request body (one document).
 * Inference spans following the GenAI semantic conventions become usage rows (source 'otel'), and so
 * do Claude Code's own `claude_code.api_request` log events (source 'claude-code-otel').
 */
export const otlpJson: Importer = {
  id: 'otlp-json',
  title: 'OpenTelemetry OTLP JSON: GenAI spans and Claude Code telemetry events',
  provider: '(per request)',
  role: 'requests',
  merge: 'keep-best',
  // the line reader numbers one file's lines with row_number()
  dir: 'otlp',
  read: { kind: 'json-lines', each: 'file', reader: 'read', stage: 'common/otlp-stage' },
  sample: 'samples/otel/genai-spans.jsonl',
  detect: (head) => opensOtlpDocument(head),
};

/** Every OTLP JSON export opens with its signal's top-level key (the file exporter writes it first). */
function opensOtlpDocument(head: FileHead): boolean {
  return /^\s*\{\s*"(resourceSpans|resourceLogs)"\s*:\s*\[/.test(head.text);
}
