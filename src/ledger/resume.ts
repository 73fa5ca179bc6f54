import fs from 'node:fs';
import type { Importer } from '../importers/types.js';

/**
 * Where a read of a grown line-oriented file may start: a line boundary at or before `consumed` (the
 * end of the last line the ledger holds) from which the reader sees all the context its rows need.
 * Lines read again become duplicates that the merge already handles. 0 means: read it in full.
 */
type ResumeRule = (fd: number, consumed: number) => number;

/**
 * Formats whose grown files are read from an offset. Any other format is read in full when it
 * changed, and the merge dedupes what it had already:
 *   - Codex rollouts count tokens as deltas of a CUMULATIVE total, and take the session's lineage
 *     from its first session_meta line and the model from the latest turn_context: a tail read would
 *     lose all three;
 *   - Gemini captures keep a stream's last chunk, and may date a response by a line beside it;
 *   - CSV exports have a header (and quoted fields may hold line breaks); JSON documents, gzip files
 *     and mappings (their SQL is the user's) are not append-only lines.
 */
const RULES: Record<string, ResumeRule> = {
  // each response takes the turn's last human prompt before it (an ASOF join on line position in
  // claude_code_staged.sql): start at the last prompt line, so the read sees it
  'claude-code': lastHumanPrompt,
  // one record per line, nothing carried from line to line: start right after the last line read
  'helicone-jsonl': ownLines,
  'portkey-jsonl': ownLines,
  'litellm-spendlogs-jsonl': ownLines,
  'openrouter-generations': ownLines,
};

/** The importer's rule, if its grown files are read from an offset. */
export function resumeRule(importer: Importer, filePath: string): ResumeRule | undefined {
  return /\.gz$/i.test(filePath) ? undefined : RULES[importer.id];
}

const CHUNK = 256 * 1024;

/** A format whose lines stand alone resumes where the last read stopped, if it is JSON lines, not a JSON array. */
function ownLines(fd: number, consumed: number): number {
  const head = Buffer.alloc(64);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  const first = head.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return first.startsWith('{') ? consumed : 0;
}

/**
 * The start of the last human-prompt line that ends at or before `consumed`, read backwards (0 when
 * there is none: the file is read in full). A line counts as a prompt only when claude_code_lines.sql
 * surely counts it as one too (see isHumanPrompt): missing one only starts the read earlier.
 */
function lastHumanPrompt(fd: number, consumed: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let later: Buffer[] = []; // the part of the current line that lies after this chunk
  let pos = consumed;
  while (pos > 0) {
    const from = Math.max(0, pos - CHUNK);
    const n = fs.readSync(fd, buf, 0, pos - from, from);
    if (n < pos - from) return 0; // the file shrank meanwhile: read it all
    let end = n; // the current line ends here in this chunk
    for (let i = buf.lastIndexOf(10, n - 1); i >= 0; i = i > 0 ? buf.lastIndexOf(10, i - 1) : -1) {
      const line = later.length ? Buffer.concat([buf.subarray(i + 1, end), ...later]) : buf.subarray(i + 1, end);
      later = [];
      if (isHumanPrompt(line)) return from + i + 1;
      end = i;
    }
    later = [Buffer.from(buf.subarray(0, end)), ...later]; // copied: the buffer is read into again
    pos = from;
  }
  return 0; // the first line is where a full read starts anyway
}

/**
 * A human prompt as claude_code_lines.sql defines it (`prompt`): a user line without usage that is
 * not meta and holds no tool result, whose content is a string or has text blocks. Stricter where
 * unsure (compact JSON only, isMeta only absent or false, a non-empty text): a line taken for a prompt
 * that the SQL does not count would cut a turn in two.
 */
function isHumanPrompt(line: Buffer): boolean {
  if (!line.includes('"type":"user"') || line.includes('tool_result')) return false;
  let o: { type?: unknown; isMeta?: unknown; message?: { usage?: unknown; content?: unknown } };
  try {
    o = JSON.parse(line.toString('utf8')) as typeof o;
  } catch {
    return false;
  }
  if (o?.type !== 'user' || (o.isMeta !== undefined && o.isMeta !== null && o.isMeta !== false)) return false;
  const message = o.message;
  if (!message || typeof message !== 'object' || message.usage != null) return false;
  const content = message.content;
  if (typeof content === 'string') return true;
  return Array.isArray(content) && content.some((b) => typeof (b as { text?: unknown })?.text === 'string' && (b as { text: string }).text !== '');
}
