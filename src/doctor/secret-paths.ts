import { LIST, listValue, VARCHAR } from '../db/duckdb.js';
import type { Ledger } from '../db/ledger.js';
import { maskSecretsIn } from '../import/mask-path.js';
import { sql } from '../db/sql.js';

/*
 * recount doctor: file paths an older recount stored raw (a folder named after an API key:
 * exports/sk-ant-api03-…/usage.csv). A new import stores every path masked (src/import/mask-path.ts)
 * and looks files up masked; --fix rewrites the old ones with the same function, so the next import
 * finds a file's remembered state and skips it, and record keys built from a path (hidden by
 * hide_key, as a new import hides them) still dedupe.
 */

/** The tables that store a file's path, in the order --fix rewrites them. */
export const PATH_TABLES = ['usage', 'invoice_lines', 'agent_events', 'rejects', 'import_files', 'file_state'] as const;

/** One stored path holding a secret, in one table: never the raw path, only its masked form. */
export type SecretPath = { table: string; masked_path: string; rows: number };

export interface SecretPathFindings {
  /** distinct stored paths holding a secret, over every table */
  paths: number;
  /** per table: distinct stored paths holding a secret */
  by_table: Record<string, number>;
  /** record keys holding a secret, per table */
  record_keys: Record<string, number>;
  /** of those, rows whose hidden key is stored already (a newer recount imported the file again), per table */
  stored_twice: Record<string, number>;
  listed: SecretPath[];
  /** raw path → masked path, for --fix; kept out of every output */
  renames: Map<string, string>;
}

/** Stored paths and record keys holding a secret. Needs macros/mask_secrets.sql and macros/hide_key.sql. */
export async function findSecretPaths(ledger: Ledger): Promise<SecretPathFindings> {
  const candidates = await ledger.all<{ place: string; path: string; row_count: bigint | number }>(sql('ledger/doctor/secret_paths'));
  const renames = new Map<string, string>();
  const listed: SecretPath[] = [];
  const byTable: Record<string, number> = {};
  for (const c of candidates) {
    const masked = maskSecretsIn(c.path);
    if (masked === c.path) continue; // a marker without a secret (task-management-system/)
    renames.set(c.path, masked);
    listed.push({ table: c.place, masked_path: masked, rows: Number(c.row_count) });
    byTable[c.place] = (byTable[c.place] ?? 0) + 1;
  }
  const keys = await ledger.all<{ place: string; row_count: bigint | number; stored_twice: bigint | number }>(sql('ledger/doctor/secret_record_keys'));
  const recordKeys = Object.fromEntries(keys.map((k) => [k.place, Number(k.row_count)]));
  const storedTwice = Object.fromEntries(keys.filter((k) => Number(k.stored_twice) > 0).map((k) => [k.place, Number(k.stored_twice)]));
  return { paths: renames.size, by_table: byTable, record_keys: recordKeys, stored_twice: storedTwice, listed, renames };
}

/** Whether --fix has anything to rewrite. */
export const hasSecretPaths = (f: SecretPathFindings): boolean => f.renames.size > 0 || Object.keys(f.record_keys).length > 0;

/**
 * Rewrites every path in `f` to its masked form and hides record keys holding a secret. Runs inside
 * the caller's transaction. Needs macros/mask_secrets.sql and macros/hide_key.sql.
 */
export async function maskSecretPaths(ledger: Ledger, f: SecretPathFindings): Promise<void> {
  if (f.renames.size) {
    const params = { paths: listValue([...f.renames.keys()]), stored_paths: listValue([...f.renames.values()]) };
    const types = { paths: LIST(VARCHAR), stored_paths: LIST(VARCHAR) };
    const statements = [
      'mask_usage_paths',
      'mask_invoice_line_paths',
      'mask_agent_event_paths',
      'delete_shadowed_rejects', // a file imported raw and again masked: one reject per line and reason,
      'mask_reject_paths',
      'mask_import_file_paths',
      'delete_shadowed_file_states', // and one remembered state per path
      'mask_file_state_paths',
    ];
    for (const statement of statements) await ledger.run(sql(`ledger/doctor/${statement}`), params, types);
  }
  for (const table of ['usage', 'invoice_line', 'agent_event']) {
    await ledger.run(sql(`ledger/doctor/delete_${table}_rows_keyed_twice`)); // one row per key, as an import keeps
    await ledger.run(sql(`ledger/doctor/hide_${table}_record_keys`));
  }
}
