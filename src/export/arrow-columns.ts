import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int64,
  List,
  TimestampMicrosecond,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { DuckDBDataChunk, DuckDBListType, DuckDBType, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { DuckDBTypeId } from '../db/duckdb.js';

/**
 * DuckDB result columns turned into Arrow column data, a batch of chunks at a time. The common
 * types are copied straight from DuckDB's vectors (numbers, days and times as typed arrays, strings
 * as UTF-8 bytes, validity bit for bit: DuckDB's validity words are Arrow's bitmap on a
 * little-endian machine), because one JS value per cell cost minutes at 10M rows. The copy reads the
 * vectors' typed arrays, which @duckdb/node-api keeps in fields its typings call private; the
 * package's version is pinned, and a vector without them takes the per-value path.
 */
export interface ColumnSpec {
  field: Field;
  duck: DuckDBType;
}

export function columnSpec(name: string, duck: DuckDBType): ColumnSpec {
  return { field: new Field(name, arrowType(duck), true), duck };
}

/** The Arrow data of column `i` over `chunks` (one record batch's worth). */
export function columnData(spec: ColumnSpec, chunks: DuckDBDataChunk[], i: number): Data {
  const vectors = chunks.map((c) => c.getColumnVector(i));
  const length = chunks.reduce((a, c) => a + c.rowCount, 0);
  const fast = FAST[spec.duck.typeId];
  if (fast && vectors.every((v) => raw(v).validity)) {
    const out = fast(spec, vectors, length);
    if (out) return out;
  }
  const values = vectors.flatMap((v) => Array.from({ length: v.itemCount }, (_, r) => jsValue(v.getItem(r), spec.duck)));
  return vectorFromArray(values, spec.field.type).data[0];
}

/** What the copy reads of a vector (see the note above). */
interface RawVector {
  itemCount: number;
  items?: ArrayLike<unknown> & { buffer: ArrayBufferLike; byteOffset: number; length: number };
  dataView?: DataView;
  validity?: { data: BigUint64Array | null };
  entryData?: BigUint64Array;
  childData?: DuckDBVector;
  getItem(i: number): unknown;
}
const raw = (v: DuckDBVector) => v as unknown as RawVector;

type Fast = (spec: ColumnSpec, vectors: DuckDBVector[], length: number) => Data | null;

/** A column of fixed-width values: the items copied (or widened) into one typed array. */
function fixed<A extends BigInt64Array | Float64Array | Int32Array>(make: (n: number) => A, copy: (out: A, at: number, v: RawVector) => void): Fast {
  return (spec, vectors, length) => {
    if (!vectors.every((v) => raw(v).items)) return null;
    const out = make(length);
    let at = 0;
    for (const v of vectors) {
      copy(out, at, raw(v));
      at += v.itemCount;
    }
    const zero = out instanceof BigInt64Array ? (row: number) => (out[row] = 0n) : (row: number) => ((out as Float64Array)[row] = 0);
    const { bitmap, nulls } = validity(vectors, length, zero); // a null's slot holds whatever DuckDB left there
    return makeData({ type: spec.field.type, length, nullCount: nulls, nullBitmap: bitmap, data: out } as never);
  };
}

const sameWidth = <A extends BigInt64Array | Float64Array | Int32Array>(out: A, at: number, v: RawVector) => (out as unknown as Int32Array).set(v.items as unknown as Int32Array, at);

/** Small integers widened to Int64 by writing both 32-bit halves (no BigInt per value). */
function widen(out: BigInt64Array, at: number, v: RawVector): void {
  const halves = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  const items = v.items as ArrayLike<number>;
  for (let r = 0; r < v.itemCount; r++) {
    halves[(at + r) * 2] = items[r];
    halves[(at + r) * 2 + 1] = items[r] < 0 ? -1 : 0;
  }
}

/** Microseconds floored to the millisecond, as the export has always written them (via Date). */
function timestampMs(out: BigInt64Array, at: number, v: RawVector): void {
  out.set(v.items as BigInt64Array, at);
  const halves = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let r = at; r < at + v.itemCount; r++) {
    const micros = halves[r * 2 + 1] * 4294967296 + (halves[r * 2] >>> 0);
    const sub = ((micros % 1000) + 1000) % 1000;
    if (sub === 0) continue;
    const floored = micros - sub;
    const high = Math.floor(floored / 4294967296);
    halves[r * 2 + 1] = high;
    halves[r * 2] = floored - high * 4294967296;
  }
}

function booleans(spec: ColumnSpec, vectors: DuckDBVector[], length: number): Data | null {
  if (!vectors.every((v) => raw(v).dataView)) return null;
  const bits = new Uint8Array(Math.ceil(length / 8));
  let at = 0;
  for (const v of vectors) {
    const view = raw(v).dataView!;
    for (let r = 0; r < v.itemCount; r++, at++) if (view.getUint8(r)) bits[at >> 3] |= 1 << (at & 7);
  }
  const { bitmap, nulls } = validity(vectors, length, (row) => (bits[row >> 3] &= ~(1 << (row & 7))));
  return makeData({ type: spec.field.type as Bool, length, nullCount: nulls, nullBitmap: bitmap, data: bits });
}

function strings(spec: ColumnSpec, vectors: DuckDBVector[], length: number): Data | null {
  if (!vectors.every((v) => raw(v).dataView)) return null;
  const { bitmap, nulls } = validity(vectors, length);
  const rows = vectors.map((v) => ({ v, from: 0, to: v.itemCount }));
  const { offsets, bytes } = utf8(rows, length, bitmap);
  return makeData({ type: spec.field.type as Utf8, length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data: bytes });
}

/** A list of strings: Arrow's offsets into one child column built from DuckDB's list entries. */
function stringLists(spec: ColumnSpec, vectors: DuckDBVector[], length: number): Data | null {
  const childType = (spec.duck as DuckDBListType).valueType;
  if (childType.typeId !== DuckDBTypeId.VARCHAR) return null;
  if (!vectors.every((v) => raw(v).entryData && raw(v).childData && raw(raw(v).childData!).dataView && raw(raw(v).childData!).validity)) return null;
  const { bitmap, nulls } = validity(vectors, length);
  const offsets = new Int32Array(length + 1);
  const ranges: { v: DuckDBVector; from: number; to: number }[] = [];
  let row = 0;
  let items = 0;
  for (const v of vectors) {
    const entries = raw(v).entryData!;
    for (let r = 0; r < v.itemCount; r++, row++) {
      if (!bitmap || bitmap[row >> 3] & (1 << (row & 7))) {
        const from = Number(entries[r * 2]);
        const n = Number(entries[r * 2 + 1]);
        ranges.push({ v: raw(v).childData!, from, to: from + n });
        items += n;
      }
      offsets[row + 1] = items;
    }
  }
  const child = childValidity(ranges, items);
  const { offsets: childOffsets, bytes } = utf8(ranges, items, child.bitmap);
  const childField = (spec.field.type as List).children[0];
  const childData = makeData({ type: childField.type as Utf8, length: items, nullCount: child.nulls, nullBitmap: child.bitmap, valueOffsets: childOffsets, data: bytes });
  return makeData({ type: spec.field.type as List, length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child: childData });
}

/**
 * UTF-8 bytes and offsets of string rows [from, to) of each vector, in order. DuckDB keeps a string of
 * up to 12 bytes inside its 16-byte slot (after the length), a longer one behind a pointer, read
 * through the vector. Null rows (clear in `bitmap`) are empty.
 */
function utf8(ranges: { v: DuckDBVector; from: number; to: number }[], length: number, bitmap: Uint8Array | undefined): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(length + 1);
  let total = 0;
  let row = 0;
  for (const { v, from, to } of ranges) {
    const view = raw(v).dataView!;
    for (let r = from; r < to; r++, row++) {
      if (!bitmap || bitmap[row >> 3] & (1 << (row & 7))) total += view.getUint32(r * 16, true);
      offsets[row + 1] = total;
    }
  }
  const bytes = Buffer.allocUnsafe(total);
  row = 0;
  for (const { v, from, to } of ranges) {
    const view = raw(v).dataView!;
    const slots = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let r = from; r < to; r++, row++) {
      const at = offsets[row];
      const n = offsets[row + 1] - at;
      if (n === 0) continue;
      if (n <= 12) bytes.set(slots.subarray(r * 16 + 4, r * 16 + 4 + n), at);
      else bytes.write(v.getItem(r) as string, at, n, 'utf8');
    }
  }
  return { offsets, bytes };
}

/**
 * The Arrow validity bitmap of the batch, and its null count; `onNull(row)` clears a null row's
 * value. No bitmap when nothing is null (Arrow's way to say so).
 */
function validity(vectors: DuckDBVector[], length: number, onNull?: (row: number) => void): { bitmap: Uint8Array | undefined; nulls: number } {
  return childValidity(vectors.map((v) => ({ v, from: 0, to: v.itemCount })), length, onNull);
}

function childValidity(ranges: { v: DuckDBVector; from: number; to: number }[], length: number, onNull?: (row: number) => void): { bitmap: Uint8Array | undefined; nulls: number } {
  let bitmap: Uint8Array | undefined;
  let nulls = 0;
  let row = 0;
  for (const { v, from, to } of ranges) {
    const words = raw(v).validity!.data;
    if (!words) {
      row += to - from;
      continue;
    }
    const bits = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    for (let r = from; r < to; r++, row++) {
      if (bits[r >> 3] & (1 << (r & 7))) continue;
      bitmap ??= new Uint8Array(Math.ceil(length / 8)).fill(0xff);
      bitmap[row >> 3] &= ~(1 << (row & 7));
      nulls++;
      onNull?.(row);
    }
  }
  return { bitmap, nulls };
}

const FAST: Partial<Record<number, Fast>> = {
  [DuckDBTypeId.BIGINT]: fixed((n) => new BigInt64Array(n), sameWidth),
  [DuckDBTypeId.INTEGER]: fixed((n) => new BigInt64Array(n), widen),
  [DuckDBTypeId.SMALLINT]: fixed((n) => new BigInt64Array(n), widen),
  [DuckDBTypeId.TINYINT]: fixed((n) => new BigInt64Array(n), widen),
  [DuckDBTypeId.DOUBLE]: fixed((n) => new Float64Array(n), sameWidth),
  [DuckDBTypeId.DATE]: fixed((n) => new Int32Array(n), sameWidth),
  [DuckDBTypeId.TIMESTAMP]: fixed((n) => new BigInt64Array(n), timestampMs),
  [DuckDBTypeId.TIMESTAMP_TZ]: fixed((n) => new BigInt64Array(n), timestampMs),
  [DuckDBTypeId.BOOLEAN]: booleans,
  [DuckDBTypeId.VARCHAR]: strings,
  [DuckDBTypeId.LIST]: stringLists,
};

function arrowType(t: DuckDBType): DataType {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return new Int64();
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return new Float64();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMicrosecond(t.typeId === DuckDBTypeId.TIMESTAMP_TZ ? 'UTC' : null);
    case DuckDBTypeId.LIST:
      return new List(new Field('item', arrowType((t as DuckDBListType).valueType), true));
    default:
      return new Utf8(); // VARCHAR, JSON, UUID, and anything else as text
  }
}

/** One value the slow way: for the types without a copy above (HUGEINT, DECIMAL, FLOAT, UUID, …). */
function jsValue(v: DuckDBValue, t: DuckDBType): unknown {
  if (v == null) return null;
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return v;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return BigInt(v as number | bigint);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return v as number;
    case DuckDBTypeId.DECIMAL:
      return Number(String(v));
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const s = String(v);
      return new Date(t.typeId === DuckDBTypeId.DATE ? `${s}T00:00:00Z` : s.replace(' ', 'T').replace(/\+00$/, 'Z'));
    }
    case DuckDBTypeId.LIST: {
      const items = (v as { items: readonly DuckDBValue[] }).items;
      return items.map((x) => jsValue(x, (t as DuckDBListType).valueType));
    }
    default:
      return String(v);
  }
}
