import { jsonLines } from '../common/file-head.js';
import type { FileHead, Importer } from '../format.js';

/** Google Gemini API / Vertex AI responses with usageMetadata: JSON lines, an SSE capture, or a JSON array. */
export const geminiResponses: Importer = {
  id: 'gemini-responses',
  title: 'Google Gemini / Vertex AI responses with usageMetadata (JSONL, SSE capture or JSON array)',
  provider: 'google',
  role: 'requests',
  merge: 'keep-best',
  dir: 'gemini-responses',
  read: { kind: 'json-lines', each: 'file', stage: 'stage' },
  sample: 'samples/gemini/vertex-responses.jsonl',
  detect: (head) =>
    [...jsonLines(head), ...sseEvents(head)].some((o) => hasUsageMetadata(o) || hasUsageMetadata(o.response)) || opensResponseDocument(head.text),
};

function hasUsageMetadata(o: unknown): boolean {
  if (!o || typeof o !== 'object') return false;
  const usage = (o as Record<string, unknown>).usageMetadata;
  return !!usage && typeof usage === 'object' && ['promptTokenCount', 'totalTokenCount', 'candidatesTokenCount'].some((k) => k in usage);
}

/** `data: {…}` lines of a server-sent-events capture (streamGenerateContent?alt=sse). */
function sseEvents(head: FileHead): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of head.lines.slice(0, 40)) {
    if (!line.startsWith('data:')) continue;
    try {
      out.push(JSON.parse(line.slice(5)) as Record<string, unknown>);
    } catch {
      /* a cut-off event */
    }
  }
  return out;
}

/** A JSON array of responses (REST streamGenerateContent) or one pretty-printed response: the first
 * object opens with a response's own keys and usageMetadata follows, or opens with a candidate's
 * content (an image answer's usage comes after megabytes of inline data, past any head). */
function opensResponseDocument(text: string): boolean {
  if (/^\s*\[?\s*\{\s*"candidates"\s*:\s*\[\s*\{\s*"content"\s*:\s*\{\s*"(parts|role)"\s*:/.test(text)) return true;
  return /^\s*\[?\s*\{\s*"(candidates|usageMetadata|promptFeedback)"\s*:/.test(text) && /"usageMetadata"\s*:\s*\{\s*"(promptTokenCount|candidatesTokenCount|totalTokenCount)"/.test(text);
}
