import fs from 'node:fs';

const CHUNK = 256 * 1024;

/**
 * The start of the last human-prompt line that ends at or before `consumed`, read backwards (0 when
 * there is none: the file is read in full). A line counts as a prompt only when claude_code_lines.sql
 * surely counts it as one too (see isHumanPrompt): missing one only starts the read earlier.
 */
export function lastHumanPrompt(fd: number, consumed: number): number {
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
