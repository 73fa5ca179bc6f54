import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';

/*
 * recount doctor: names and free text an older recount stored raw while they held a secret (an API
 * key in a LiteLLM key alias, a `Bearer …` header in a rejected line, a token in a tool name). A new
 * import masks them before they are stored (queries/import/mask_staged_*.sql, insert_rejects.sql,
 * insert_staged_events.sql, store_prompts.sql); --fix rewrites the old rows with the same macros, so
 * an old ledger ends as a new import would have written it. Paths and record keys: secret-paths.ts.
 */

/** Per table: rows whose names or free text hold a secret. */
export type SecretTextFindings = Record<string, number>;

/** Needs macros/mask_secrets.sql and macros/holds_secret.sql. */
export async function findSecretText(ledger: Ledger): Promise<SecretTextFindings> {
  const rows = await ledger.all<{ place: string; row_count: bigint | number }>(sql('ledger/doctor/secret_text_rows'));
  return Object.fromEntries(rows.map((r) => [r.place, Number(r.row_count)]));
}

export const hasSecretText = (f: SecretTextFindings): boolean => Object.keys(f).length > 0;

const MASK_STATEMENTS: Record<string, string> = {
  usage: 'mask_usage_text',
  invoice_lines: 'mask_invoice_line_text',
  agent_events: 'mask_agent_event_text',
  rejects: 'mask_reject_text',
  prompts: 'mask_prompt_text',
};

/** Masks the rows `f` counted, inside the caller's transaction. Needs macros/mask_secrets.sql, macros/holds_secret.sql and macros/hide_key.sql. */
export async function maskSecretText(ledger: Ledger, f: SecretTextFindings): Promise<void> {
  for (const table of Object.keys(f)) await ledger.run(sql(`ledger/doctor/${MASK_STATEMENTS[table]}`));
}

/** The lines doctor prints about them. */
export function secretTextLines(ledgerPath: string, f: SecretTextFindings, fix: boolean): string {
  if (!hasSecretText(f)) return `${ledgerPath}: no stored name or text holds a secret\n`;
  const lines = Object.entries(f).map(([table, n]) => `${n} rows in ${table} hold what looks like a secret in a name or text${fix ? '; stored masked' : ''}\n`);
  if (!fix) lines.push('run recount doctor --fix to store them masked, as a new import stores them\n');
  return lines.join('');
}
