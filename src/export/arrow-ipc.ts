import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RecordBatch, RecordBatchFileWriter, Schema, Struct, makeData } from 'apache-arrow';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { Params } from '../db/ledger.js';
import { EXPORT_MARK } from '../report/write.js';
import { columnData, columnSpec } from './arrow-columns.js';

/** Rows per record batch: big enough for readers to scan fast (8 DuckDB chunks), small enough to hold (~8 MB of ledger rows). */
const BATCH_ROWS = 16_384;

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
    const collect = collector();
    const flush = async () => {
      const children = specs.map((s, i) => columnData(s, pending, i));
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: pendingRows, nullCount: 0, children })));
      rows += pendingRows;
      pending = [];
      pendingRows = 0;
      await new Promise((resolve) => setImmediate(resolve)); // the drain loop runs (microtasks) before this resolves
      collect(); // the batch's DuckDB chunks, garbage now, hold their native memory until a GC
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

/**
 * A full garbage collection, to run after each batch. A DuckDB chunk's memory (1–2 MB of native vectors
 * and strings) is freed only when V8 collects its small JS wrapper, and V8 does not count that memory:
 * left to itself it let chunks pile up to 1.3 GB of RSS streaming 1M rows (with a GC every 8 chunks,
 * 550 MB). V8's gc() is only there with --expose-gc, so the flag is set here and the function taken
 * from a fresh context; where that fails, nothing is collected early (as before).
 */
function collector(): () => void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as (() => void) | undefined;
    } catch {
      gc = undefined;
    }
  }
  return typeof gc === 'function' ? gc : () => {};
}
