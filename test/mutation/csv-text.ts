// RFC 4180 CSV, just enough to damage a sample cell by cell and write it back: quoted cells may hold
// commas, quotes and newlines. Line endings are LF on the way out (CRLF is a mutation of its own).

export type CsvRows = string[][];

/** Splits CSV text into rows of cells; a trailing newline does not make an empty last row. */
export function parseCsv(text: string): CsvRows {
  const rows: CsvRows = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

const needsQuotes = (cell: string) => /[",\r\n]/.test(cell) || /^\s|\s$/.test(cell);

/** Writes rows back as CSV text with LF line endings and a final newline. */
export function writeCsv(rows: CsvRows): string {
  return rows.map((r) => r.map((c) => (needsQuotes(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
}
