import fs from 'node:fs';
import path from 'node:path';
import { queriesDir } from '../paths.js';
import type { Ledger } from './ledger.js';
import { RecountError } from '../errors.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Schema migrations: queries/schema/NNN_name.sql, one statement each, applied in order once. */
export function listMigrations(): Migration[] {
  const dir = path.join(queriesDir, 'schema');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number.parseInt(f, 10), name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * Brings an older (or new, empty) ledger file up to the current schema. `tracked`: the file has its
 * schema_migrations table already (the open listed its tables), so no statement creates it.
 */
export async function migrate(ledger: Ledger, tracked = false): Promise<void> {
  if (!tracked) {
    await ledger.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())',
    );
  }
  const done = new Set((await ledger.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const known = listMigrations();
  const newest = Math.max(...known.map((m) => m.version));
  const ahead = [...done].filter((v) => v > newest);
  if (ahead.length) {
    // a newer recount changed the schema (or how rows are keyed): writing with this one could count
    // rows twice
    throw new RecountError(
      `${ledger.path} was written by a newer recount (schema step ${Math.max(...ahead)}; this one knows up to ${newest})`,
      'use that recount (or a newer one) for this ledger, or import into another with --db',
    );
  }
  const pending = known.filter((m) => !done.has(m.version));
  if (!pending.length) return;
  // all pending steps in one transaction: one commit (a new ledger has six steps), and a step that
  // fails leaves the file as it was
  await ledger.transaction(async () => {
    for (const m of pending) {
      await ledger.run(m.sql);
      await ledger.run('INSERT INTO schema_migrations (version, name) VALUES ($version, $name)', { version: m.version, name: m.name });
    }
  });
}
