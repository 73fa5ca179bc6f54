import fs from 'node:fs';

export interface ReaderFault {
  line?: number; // 1-based line of the file, when known
  detail: string; // what is wrong there, in the file's own terms
}

/**
 * What a DuckDB reader's error says about the file: the line (only where the reader names one, never
 * the "LINE n:" that points into recount's SQL) and the reason. JSON-lines files are read through the
 * CSV reader (jsonl_lines), so its "CSV Error" wording is left out: the reason line is enough.
 */
export function readerFault(message: string, file: string | undefined): ReaderFault {
  const lines = message.split('\n');
  const first = lines[0].replace(/^[A-Za-z ]+Error: /, '');
  const csv = /^CSV Error on Line: (\d+)/.exec(first);
  if (csv) {
    // the reason follows "Original Line: …" (the row itself, which may be long or private)
    const at = lines.findIndex((l) => l.startsWith('Original Line:'));
    const reason = lines.slice(at < 0 ? 1 : at + 1).find((l) => l.trim() && !l.startsWith('Possible'));
    return { line: Number(csv[1]), detail: (reason ?? 'the row could not be read').trim() };
  }
  const json = /^Malformed JSON in file "[^"]*", at byte \d+ in (line|record\/value) (\d+): (.*?)\s*$/.exec(first);
  if (json) {
    const what = json[3].replace(/\.$/, '');
    return json[1] === 'line' ? { line: Number(json[2]), detail: `malformed JSON: ${what}` } : { detail: `malformed JSON in record ${json[2]}: ${what}` };
  }
  if (/^Error when sniffing file/.test(first)) {
    const quote = file ? unclosedQuote(file) : undefined;
    if (quote) return { line: quote, detail: 'a quote opened on this line is never closed' };
    return { detail: 'its CSV layout (delimiter, quoting, encoding) could not be recognised' };
  }
  return { detail: first };
}

/** The first 8 MiB are enough: DuckDB's sniffer, which failed, reads no further than its sample. */
const SCAN_BYTES = 8 << 20;

/**
 * The line where a double quote opens a field that never closes (DuckDB's sniffer reports only that
 * it could not detect the dialect). A scan of RFC 4180 quoting: "" inside quotes is a literal quote.
 */
function unclosedQuote(file: string): number | undefined {
  if (/\.gz$/i.test(file)) return undefined;
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(SCAN_BYTES, fs.fstatSync(fd).size));
      text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const truncated = Buffer.byteLength(text) >= SCAN_BYTES;
  let line = 1;
  let opened = 0; // the line of the open quote, 0 outside quotes
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      if (!opened) opened = line;
      else if (text[i + 1] === '"') i++;
      else opened = 0;
    }
  }
  // cut off inside a quoted field: a multi-line field that ends later, unless it has run on for long
  if (truncated && line - opened < 1000) return undefined;
  return opened || undefined;
}
