import { BIGINT, BOOLEAN, DuckDBScalarFunction, VARCHAR } from '../db/duckdb.js';
import type { ModelIds } from '../pricing/model-ids.js';
import type { Ledger } from '../db/ledger.js';

/** A staged row that is not a ledger row: a file's duplicates or skipped lines, or a file to read again. */
export interface FileRow {
  source_file: string;
  row_kind: string;
  row_count: number | null;
}

interface Collecting {
  modelIds: ModelIds;
  rows: FileRow[];
}

// per connection: the functions stay registered, each statement gets its own collection
const active = new WeakMap<Ledger, { current: Collecting | null }>();

/**
 * Registers the functions below on the ledger's connection, once. Outside any transaction: a
 * function created inside one is gone again when it rolls back.
 */
export function registerImportFunctions(ledger: Ledger): void {
  if (!active.has(ledger)) register(ledger);
}

/**
 * Runs `statement` with two JS functions it may call (registerImportFunctions first), and returns the
 * rows it handed over:
 *   recount_model_id(raw): the canonical model id (ModelIds.canonical, as the merge's model map), for
 *     a statement that meets its model names as it reads (called once per distinct name);
 *   recount_file_row(source_file, row_kind, row_count): takes a row the statement computed but does
 *     not write. One statement writes one table, and a one-pass import's per-file counts come out of
 *     the same pass over the lines as its ledger rows; reading the lines twice would cost more than
 *     the one pass saves. It returns true, so a filter on it makes the statement call it.
 */
export async function withImportFunctions(ledger: Ledger, modelIds: ModelIds, statement: () => Promise<void>): Promise<FileRow[]> {
  const slot = active.get(ledger);
  if (!slot) throw new Error('registerImportFunctions must run before a statement that calls them');
  const collecting: Collecting = { modelIds, rows: [] };
  slot.current = collecting;
  try {
    await statement();
    return collecting.rows;
  } finally {
    slot.current = null;
  }
}

function register(ledger: Ledger): { current: Collecting | null } {
  const slot: { current: Collecting | null } = { current: null };
  const collecting = () => {
    if (!slot.current) throw new Error('recount import functions called outside withImportFunctions');
    return slot.current;
  };
  ledger.conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'recount_model_id',
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      mainFunction: (_info, input, output) => {
        const raw = input.getColumnVector(0);
        const { modelIds } = collecting();
        for (let i = 0; i < input.rowCount; i++) output.setItem(i, modelIds.canonical(raw.getItem(i) as string | null));
        output.flush();
      },
    }),
  );
  ledger.conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'recount_file_row',
      returnType: BOOLEAN,
      parameterTypes: [VARCHAR, VARCHAR, BIGINT],
      volatile: true, // called for its effect: never folded, cached or skipped
      mainFunction: (_info, input, output) => {
        const [file, kind, count] = [0, 1, 2].map((c) => input.getColumnVector(c));
        const { rows } = collecting();
        for (let i = 0; i < input.rowCount; i++) {
          const n = count.getItem(i) as bigint | null;
          rows.push({ source_file: file.getItem(i) as string, row_kind: kind.getItem(i) as string, row_count: n === null ? null : Number(n) });
          output.setItem(i, true);
        }
        output.flush();
      },
    }),
  );
  active.set(ledger, slot);
  return slot;
}
