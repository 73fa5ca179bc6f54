import fs from 'node:fs';
import { RecordBatch, RecordBatchFileWriter, Schema, Struct, makeData } from 'apache-arrow';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { Params } from '../db/ledger.js';
import { EXPORT_MARK } from '../report/write.js';
import { columnData, columnSpec } from './arrow-columns.js';

/** Rows per record batch: big enough for readers to scan fast, small enough to hold (~30 MB of ledger rows). */
const BATCH_ROWS = 65_536;

/**
 * Streams a query's result into an Arrow IPC file, a record batch at a time: DuckDB's chunks are
 * gathered to BATCH_ROWS, turned into Arrow columns (arrow-columns.ts), and the batch's bytes are
 * written before the next chunk is fetched, so memory holds one batch whatever the row count.
 * Readable by pandas (pyarrow.ipc), polars and DuckDB.
 */
export async function writeArrowFile(conn: DuckDBConnection, sqlText: string, params: Params, outPath: string): Promise<number> {
  const result = await conn.stream(sqlText, params);
  const duckTypes = result.columnTypes();
  const specs = result.columnNames().map((name, i) => columnSpec(name, duckTypes[i]));
  const fields = specs.map((s) => s.field);
  const schema = new Schema(fields, new Map([[EXPORT_MARK.key, EXPORT_MARK.value]])); // how a later --out knows the file is ours
  const fd = fs.openSync(outPath, 'w');
  try {
    const writer = new RecordBatchFileWriter();
    // the writer queues its bytes; this loop takes each as it comes and writes it synchronously
    const drained = (async () => {
      for await (const bytes of writer) fs.writeSync(fd, bytes);
    })();
    writer.reset(undefined, schema);
    let rows = 0;
    let pending: DuckDBDataChunk[] = [];
    let pendingRows = 0;
    const flush = async () => {
      const children = specs.map((s, i) => columnData(s, pending, i));
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: pendingRows, nullCount: 0, children })));
      rows += pendingRows;
      pending = [];
      pendingRows = 0;
      await new Promise((resolve) => setImmediate(resolve)); // the drain loop runs (microtasks) before this resolves
    };
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      pending.push(chunk);
      pendingRows += chunk.rowCount;
      if (pendingRows >= BATCH_ROWS) await flush();
    }
    if (pendingRows > 0) await flush();
    writer.finish();
    await drained;
    return rows;
  } finally {
    fs.closeSync(fd);
  }
}
