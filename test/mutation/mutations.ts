// The mutations, each with the kinds of file it applies to and what a sound importer should make of
// its result beyond the invariants every import keeps (see checks.ts):
//   same-totals       the damage changes nothing a ledger should hold (a BOM, CRLF, a blank line);
//   no-silent-double  repeated records are deduplicated, or the import warns that they repeat;
//   row-level         only the damaged records are lost: the import succeeds (exit 0).
import * as L from './line-damage.js';
import * as R from './record-damage.js';
import type { Damaged, Kind, Rng, Sample } from './sample-text.js';
import { NAN_LITERAL, SECRETS, VALUE_MUTATIONS, type SecretShape } from './values.js';

export type Expectation = 'same-totals' | 'no-silent-double' | 'row-level';

export interface Mutation {
  name: string;
  kinds: Kind[];
  expect?: Partial<Record<Kind, Expectation>>;
  apply: (s: Sample, rng: Rng) => Damaged | undefined;
}

const ALL: Kind[] = ['jsonl', 'json', 'csv'];
const LINES: Kind[] = ['jsonl', 'csv'];
const JSONS: Kind[] = ['jsonl', 'json'];
const every = (e: Expectation, kinds = ALL) => Object.fromEntries(kinds.map((k) => [k, e])) as Partial<Record<Kind, Expectation>>;
/** Agent transcripts must be unpacked (README), and their order carries meaning (Codex deltas). */
const AGENT_LOG = /^(claude-code|codex)\//;

/** Line-level damage in a JSON document breaks the document: failing it whole is the design. */
const lineDamage = (name: string, apply: Mutation['apply']): Mutation => ({ name, kinds: ALL, expect: every('row-level', LINES), apply });

export const MUTATIONS: Mutation[] = [
  { name: 'original', kinds: ALL, expect: every('row-level'), apply: (s) => ({ bytes: s.bytes }) },
  lineDamage('truncate-mid-line', L.truncateMidLine),
  lineDamage('truncate-last-line', (s) => L.truncateLastLine(s)),
  lineDamage('utf8-cut-end', (s, rng) => L.utf8Cut(s, rng, true)),
  lineDamage('utf8-cut-line', (s, rng) => L.utf8Cut(s, rng, false)),
  lineDamage('invalid-byte', L.invalidByte),
  lineDamage('garbage-line', (s, rng) => L.insertLine(s, rng, 'garbage')),
  { name: 'bom', kinds: ALL, expect: every('same-totals'), apply: (s) => L.withBom(s) },
  { name: 'bom-pretty', kinds: JSONS, expect: { json: 'same-totals' }, apply: (s) => R.reformatJson(s, 'bom-pretty') },
  { name: 'minified', kinds: ['json'], expect: { json: 'same-totals' }, apply: (s) => R.reformatJson(s, 'minified') },
  { name: 'crlf', kinds: ALL, expect: every('same-totals'), apply: (s) => L.crlf(s) },
  { name: 'blank-line', kinds: ALL, expect: every('same-totals'), apply: (s, rng) => L.insertLine(s, rng, 'blank') },
  {
    name: 'dup-block',
    kinds: ALL,
    expect: every('no-silent-double'),
    apply: (s, rng) => (s.kind === 'json' ? R.reshapeRecords(s, rng, 'block') : L.duplicateBlock(s, rng)),
  },
  { name: 'concat-twice', kinds: ALL, expect: every('no-silent-double'), apply: (s) => L.concatTwice(s) },
  {
    name: 'records-twice',
    kinds: ['json', 'csv'],
    expect: every('no-silent-double'),
    apply: (s, rng) => (s.kind === 'json' ? R.reshapeRecords(s, rng, 'twice') : L.rowsTwice(s)),
  },
  { name: 'shuffle', kinds: ALL, expect: every('same-totals'), apply: (s, rng) => (s.kind === 'json' ? R.reshapeRecords(s, rng, 'shuffle') : L.shuffleLines(s, rng)) },
  { name: 'drop-column', kinds: ['csv'], apply: (s) => R.schemaChange(s, () => undefined) },
  { name: 'rename-column', kinds: ['csv'], apply: (s) => R.schemaChange(s, (n) => `${n}_renamed`) },
  { name: 'header-upper', kinds: ['csv'], apply: (s) => R.headerUpper(s) },
  { name: 'drop-field', kinds: JSONS, apply: (s) => R.schemaChange(s, () => undefined) },
  { name: 'rename-field', kinds: JSONS, apply: (s) => R.schemaChange(s, (n) => `${n}_renamed`) },
  ...VALUE_MUTATIONS.map((m): Mutation => ({ name: m.name, kinds: ALL, expect: every('row-level'), apply: (s, rng) => R.badValue(s, rng, m) })),
  { name: NAN_LITERAL.name, kinds: JSONS, expect: { jsonl: 'row-level' }, apply: (s, rng) => R.badValue(s, rng, NAN_LITERAL) },
  ...(Object.keys(SECRETS) as SecretShape[]).map(
    (shape): Mutation => ({ name: `secret-${shape}`, kinds: ALL, expect: every('row-level'), apply: (s, rng) => R.plantedSecret(s, rng, SECRETS[shape]) }),
  ),
  { name: 'empty', kinds: ALL, apply: () => L.emptyFile() },
  { name: 'header-only', kinds: ['csv'], apply: (s) => L.headerOnly(s) },
  { name: 'empty-array', kinds: ['json'], apply: (s, rng) => R.reshapeRecords(s, rng, 'empty') },
  { name: 'gzip-clean', kinds: ALL, expect: every('same-totals'), apply: (s) => L.gzipOf({ bytes: s.bytes }) },
  { name: 'gzip-truncated', kinds: ALL, expect: every('row-level', LINES), apply: (s, rng) => L.gzipOf(L.truncateMidLine(s, rng)) },
  { name: 'gzip-cut', kinds: ALL, apply: (s) => L.gzipOf({ bytes: s.bytes }, 0.6) },
];

/** What `mutation` should leave for this sample beyond the invariants, if anything. */
export function expectationFor(m: Mutation, s: Sample): Expectation | undefined {
  if (AGENT_LOG.test(s.rel) && m.name.startsWith('gzip')) return undefined;
  if (s.rel.startsWith('codex/') && m.name === 'shuffle') return undefined;
  return m.expect?.[s.kind];
}

/** Mutations also run next to a clean copy of the same sample, in one import of their folder. */
export const PAIR_MUTATIONS = ['invalid-byte', 'utf8-cut-end', 'garbage-line', 'negative'];
