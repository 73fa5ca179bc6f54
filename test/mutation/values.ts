// The bad values a mutation writes into one record: what a broken exporter, a spreadsheet or a
// hand edit leaves in a number, a time or a text field. JSON gets typed values; CSV gets cell text.
import { isEpoch, type FieldClass, type Json } from './fields.js';

/** Placeholders for bare tokens JSON cannot hold but Python's json module writes (NaN, Infinity). */
export const RAW_TOKEN = (token: string) => `__mutation_raw_${token}__`;
export const unRaw = (text: string) => text.replace(/"__mutation_raw_(\w+)__"/g, (_m, t: string) => t.replace('minus', '-'));

/** Planted secrets, one of each shape the issue names; a leak shows as its tail in the ledger. */
export const SECRETS = {
  'sk-proj': 'sk-proj-M7uT4tIoN9kEyQ2wE3rT5yU7iO9pA1sD3fG5hJ7kL9zX',
  bearer: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJtdXRhdGlvbiI6MX0.Mut4t10nS1gN4tur3',
  akia: 'AKIAMUTATIONTESTKEY7',
} as const;
export type SecretShape = keyof typeof SECRETS;
/** The part of a secret that must never be stored: all but the short prefix a mask keeps. */
export const secretTail = (secret: string) => secret.slice(-16);

export interface ValueMutation {
  name: string;
  field: FieldClass;
  json: (value: Json, name: string) => Json;
  csv: (cell: string, name: string) => string;
}

const negative = (v: Json) => (typeof v === 'number' ? -Math.abs(v) - 1 : `-${String(v).replace(/^-/, '') || '1'}`);
const EPOCH_1970 = 86_400; // 1970-01-02: 0 may read as "no time"
const EPOCH_9999 = 253_402_214_400; // 9999-12-31
const isMs = (v: number) => v >= 1e12;

/** A time moved to 1970 or 9999 in its own shape: an ISO string keeps its format, an epoch its unit. */
function movedTime(value: Json, name: string, year: '1970' | '9999'): Json {
  if (typeof value === 'string' && !isEpoch(name, value)) return value.replace(/^\d{4}-\d{2}-\d{2}/, year === '1970' ? '1970-01-01' : '9999-12-31');
  const n = Number(value);
  const to = (year === '1970' ? EPOCH_1970 : EPOCH_9999) * (isMs(n) ? 1000 : 1);
  return typeof value === 'number' ? to : String(to);
}

/** A time written in milliseconds where seconds (or ISO text) were expected. */
function epochMs(value: Json, name: string): Json {
  if (typeof value === 'string' && !isEpoch(name, value)) return Date.parse(value.replace(' ', 'T')) || 1_791_590_400_000;
  return Number(value) * 1000;
}

export const VALUE_MUTATIONS: ValueMutation[] = [
  { name: 'negative', field: 'usage', json: negative, csv: (c) => String(negative(c)) },
  { name: 'huge-9e18', field: 'usage', json: () => 9e18, csv: () => '9e18' },
  { name: 'huge-1e308', field: 'usage', json: () => 1e308, csv: () => '1e308' },
  { name: 'nan-string', field: 'usage', json: () => 'NaN', csv: () => 'NaN' },
  { name: 'infinity-string', field: 'usage', json: () => 'Infinity', csv: () => '-Infinity' },
  { name: 'empty-string', field: 'usage', json: () => '', csv: () => '' },
  { name: 'null', field: 'usage', json: () => null, csv: () => 'NULL' },
  { name: 'wrong-type', field: 'usage', json: () => '12 tokens', csv: () => '12 tokens' },
  { name: 'date-1970', field: 'time', json: (v, n) => movedTime(v, n, '1970'), csv: (c, n) => String(movedTime(c, n, '1970')) },
  { name: 'date-9999', field: 'time', json: (v, n) => movedTime(v, n, '9999'), csv: (c, n) => String(movedTime(c, n, '9999')) },
  { name: 'epoch-ms-as-seconds', field: 'time', json: epochMs, csv: (c, n) => String(epochMs(c, n)) },
];

/** NaN and Infinity as bare JSON tokens (Python's json.dumps writes them): only JSON kinds. */
export const NAN_LITERAL: ValueMutation = {
  name: 'nan-literal',
  field: 'usage',
  json: (_v, name) => RAW_TOKEN(/cost|spend|amount|price/i.test(name) ? 'Infinity' : 'NaN'),
  csv: (c) => c,
};

/** A secret planted whole (a key pasted into a field) or inside a field's text. */
export function plantSecret(secret: string, whole: boolean) {
  return (value: Json): string => (whole ? secret : `${String(value)} deploy with ${secret} please`);
}
