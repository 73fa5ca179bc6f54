import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int64,
  List,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  TimestampMicrosecond,
  Utf8,
  makeData,
  Struct,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import type { DuckDBConnection, DuckDBType, DuckDBValue, DuckDBListType } from '@duckdb/node-api';
import { DuckDBTypeId } from '../ledger/duckdb.js';
import type { Params } from '../ledger/ledger.js';
import { EXPORT_MARK } from '../report/write.js';

/**
 * Streams a query's result into an Arrow IPC file, one record batch per DuckDB chunk, so the ledger
 * never has to fit in JS memory at once. Readable by pandas (pyarrow.ipc), polars and DuckDB.
 */
export async function writeArrowFile(conn: DuckDBConnection, sqlText: string, params: Params, outPath: string): Promise<number> {
  const result = await conn.stream(sqlText, params);
  const names = result.columnNames();
  const duckTypes = result.columnTypes();
  const fields = names.map((name, i) => new Field(name, arrowType(duckTypes[i]), true));
  const schema = new Schema(fields, new Map([[EXPORT_MARK.key, EXPORT_MARK.value]])); // how a later --out knows the file is ours
  const writer = new RecordBatchFileWriter();
  const done = pipeline(Readable.from(writer), fs.createWriteStream(outPath));
  writer.reset(undefined, schema);
  let rows = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const vectors = fields.map((f, i) => vectorFromArray(chunk.getColumnValues(i).map((v) => jsValue(v, duckTypes[i])), f.type));
    const data = makeData({ type: new Struct(fields), length: chunk.rowCount, nullCount: 0, children: vectors.map((v) => v.data[0]) });
    writer.write(new RecordBatch(schema, data));
    rows += chunk.rowCount;
  }
  writer.finish();
  await done;
  return rows;
}

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
