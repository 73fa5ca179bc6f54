// Damage inside records: bad values in one record, keys pasted into text fields, a column or field
// renamed or gone, and JSON documents re-shaped (pretty, minified, records repeated or emptied).
import { parseCsv, writeCsv, type CsvRows } from './csv-text.js';
import { classify, leaves, leavesOf, recordsOf, renameKey, type FieldClass, type Json, type Leaf } from './fields.js';
import { dataLines, fromLines, linesOf, pickMiddle, shuffled, textOf, type Damaged, type Rng, type Sample } from './sample-text.js';
import { plantSecret, unRaw, type ValueMutation } from './values.js';

type Rewrite = (leaf: Leaf) => Json;

const setLeaf = (l: Leaf, v: Json) => ((l.holder as Record<string | number, Json>)[l.key] = v);
const parseLine = (line: string): Json | undefined => {
  try {
    const v = JSON.parse(line) as Json;
    return v !== null && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
};

/**
 * JSON objects kept as text inside a record (a CloudWatch event's `message`) parsed in place, so their
 * fields can be damaged too; the returned function writes them back as text.
 */
function unwrapEmbedded(node: Json): () => void {
  const embedded = leaves(node).filter((l) => typeof l.value === 'string' && l.value.startsWith('{') && parseLine(l.value));
  for (const l of embedded) setLeaf(l, parseLine(l.value as string)!);
  return () => embedded.forEach((l) => setLeaf(l, JSON.stringify((l.holder as Record<string | number, Json>)[l.key])));
}

/**
 * Rewrites the `cls` fields of records picked from the middle of the file: `rewrites[k]` goes to the
 * k-th picked record (consecutive records). Returns undefined when the file has no such field.
 */
function rewriteRecords(s: Sample, rng: Rng, cls: FieldClass, rewrites: Rewrite[]): Damaged | undefined {
  if (s.kind === 'csv') return rewriteCsvRows(s, rng, cls, rewrites);
  if (s.kind === 'json') {
    const doc = JSON.parse(textOf(s)) as Json;
    const refs = recordsOf(doc, cls);
    const first = pickMiddle(refs.map((_, k) => k), rng);
    if (first === undefined) return undefined;
    rewrites.forEach((rw, k) => refs[first + k] && leavesOf(refs[first + k].record, cls).forEach((l) => setLeaf(l, rw(l))));
    return { bytes: Buffer.from(unRaw(JSON.stringify(doc, null, 2)) + '\n', 'utf8') };
  }
  const lines = linesOf(s);
  const unwrapped = (i: number) => {
    const record = parseLine(lines[i]) ?? null;
    return { record, rewrap: unwrapEmbedded(record) };
  };
  const candidates = dataLines(s).filter((i) => leavesOf(unwrapped(i).record, cls).length);
  const first = pickMiddle(candidates.map((_, k) => k), rng);
  if (first === undefined) return undefined;
  rewrites.forEach((rw, k) => {
    const i = candidates[first + k];
    if (i === undefined) return;
    const { record, rewrap } = unwrapped(i);
    leavesOf(record, cls).forEach((l) => setLeaf(l, rw(l)));
    rewrap();
    lines[i] = unRaw(JSON.stringify(record));
  });
  return { bytes: fromLines(lines), line: candidates[first] + 1 };
}

function rewriteCsvRows(s: Sample, rng: Rng, cls: FieldClass, rewrites: Rewrite[]): Damaged | undefined {
  const rows = parseCsv(textOf(s));
  const header = rows[0] ?? [];
  const cellsOf = (r: string[]) => r.map((_, j) => j).filter((j) => classify(header[j] ?? '', r[j]) === cls);
  const candidates = rows.map((r, i) => (i > 0 && cellsOf(r).length ? i : -1)).filter((i) => i > 0);
  const first = pickMiddle(candidates.map((_, k) => k), rng);
  if (first === undefined) return undefined;
  rewrites.forEach((rw, k) => {
    const row = rows[candidates[first + k]];
    if (!row) return;
    for (const j of cellsOf(row)) row[j] = String(rw({ holder: row, key: j, name: header[j], path: header[j], value: row[j] }) ?? 'NULL');
  });
  return { bytes: Buffer.from(writeCsv(rows), 'utf8'), line: lineOfRow(rows, candidates[first]) };
}

/** The 1-based line a CSV row starts on (a quoted cell can hold newlines). */
const lineOfRow = (rows: CsvRows, i: number) => writeCsv(rows.slice(0, i)).split('\n').length;

/** A bad value in every usage number (or time) of one record. */
export function badValue(s: Sample, rng: Rng, m: ValueMutation): Damaged | undefined {
  const csv = s.kind === 'csv';
  return rewriteRecords(s, rng, m.field, [(l) => (csv ? m.csv(String(l.value), l.name) : m.json(l.value, l.name))]);
}

/**
 * A secret pasted whole into the text fields of one record and into the text of the next; in a
 * line-oriented file also a cut-off line holding it (a rejected line keeps its raw text).
 */
export function plantedSecret(s: Sample, rng: Rng, secret: string): Damaged | undefined {
  const d = rewriteRecords(s, rng, 'text', [(l) => plantSecret(secret, true)(l.value), (l) => plantSecret(secret, false)(l.value)]);
  if (!d) return undefined;
  if (s.kind === 'json') return { ...d, secrets: [secret] };
  const broken = s.kind === 'csv' ? `"${secret}",broken row` : `{"api_key": "${secret}", "user": "u", "cost": `;
  const lines = d.bytes.toString('utf8').split('\n');
  const at = Math.max(1, lines.length - 1);
  return { bytes: fromLines([...lines.slice(0, at), broken, ...lines.slice(at)]), line: at + 1, secrets: [secret] };
}

/** The first usage column (CSV) or field (JSON) of the file: what a schema change removes or renames. */
function firstUsageName(s: Sample): string | undefined {
  if (s.kind === 'csv') {
    const [header, ...rows] = parseCsv(textOf(s));
    return header?.find((h, j) => rows.some((r) => classify(h, r[j] ?? '') === 'usage'));
  }
  const docs = s.kind === 'json' ? [JSON.parse(textOf(s)) as Json] : linesOf(s).map(parseLine);
  for (const d of docs) {
    const leaf = leavesOf(d ?? null, 'usage').find((l) => typeof l.key === 'string');
    if (leaf) return leaf.name;
  }
  return undefined;
}

/** A column or field removed (`to` undefined) or renamed in every record: an export from another version. */
export function schemaChange(s: Sample, to: (name: string) => string | undefined): Damaged | undefined {
  const name = firstUsageName(s);
  if (!name) return undefined;
  if (s.kind === 'csv') {
    const rows = parseCsv(textOf(s));
    const j = rows[0].indexOf(name);
    const renamed = to(name);
    const out = rows.map((r, i) => (i === 0 && renamed !== undefined ? r.map((c, k) => (k === j ? renamed : c)) : renamed === undefined ? r.filter((_, k) => k !== j) : r));
    return { bytes: Buffer.from(writeCsv(out), 'utf8') };
  }
  if (s.kind === 'json') {
    const doc = JSON.parse(textOf(s)) as Json;
    renameKey(doc, name, to(name));
    return { bytes: Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8') };
  }
  const lines = linesOf(s).map((l) => {
    const rec = parseLine(l);
    return rec && renameKey(rec, name, to(name)) ? JSON.stringify(rec) : l;
  });
  return { bytes: fromLines(lines) };
}

export function headerUpper(s: Sample): Damaged {
  const lines = linesOf(s);
  return { bytes: fromLines([lines[0].toUpperCase(), ...lines.slice(1)]) };
}

/** The outermost array of a JSON document whose elements hold usage: its list of records. */
function mainArray(doc: Json): Json[] | undefined {
  const queue: Json[] = [doc];
  while (queue.length) {
    const node = queue.shift()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node) && node.some((el) => leavesOf(el, 'usage').length)) return node;
    queue.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return undefined;
}

/** A JSON document's records re-shaped in place: repeated, shuffled, a block repeated, emptied. */
export function reshapeRecords(s: Sample, rng: Rng, how: 'twice' | 'shuffle' | 'block' | 'empty'): Damaged | undefined {
  const doc = JSON.parse(textOf(s)) as Json;
  const arr = mainArray(doc);
  if (!arr || (how !== 'empty' && arr.length < 2)) return undefined;
  const copy = arr.map((el) => JSON.parse(JSON.stringify(el)) as Json);
  const start = pickMiddle(copy.map((_, k) => k), rng) ?? 0;
  const next =
    how === 'twice' ? [...copy, ...copy] : how === 'shuffle' ? shuffled(copy, rng) : how === 'block' ? [...copy.slice(0, start + 3), ...copy.slice(start, start + 3), ...copy.slice(start + 3)] : [];
  arr.splice(0, arr.length, ...next);
  return { bytes: Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8') };
}

/** A JSON document with a BOM and another indent, or on one line; JSONL records pretty-printed, one after another. */
export function reformatJson(s: Sample, how: 'bom-pretty' | 'minified'): Damaged | undefined {
  if (s.kind === 'json') {
    const doc = JSON.parse(textOf(s)) as Json;
    const text = how === 'minified' ? JSON.stringify(doc) : `\ufeff${JSON.stringify(doc, null, 4)}\n`;
    return { bytes: Buffer.from(text, 'utf8') };
  }
  if (how === 'minified') return undefined;
  const records = linesOf(s).map(parseLine).filter((r) => r !== undefined);
  return { bytes: Buffer.from(`\ufeff${records.map((r) => JSON.stringify(r, null, 2)).join('\n')}\n`, 'utf8') };
}
