import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';

/**
 * Stores the prompts of an import's rows written so far in the prompts table, once per distinct text,
 * and leaves the rows their md5 (queries/schema/010_store_prompts_once.sql). Called inside the import's
 * transaction after each statement that writes usage rows: a one-pass import leaves each new
 * prompt's text on one of its rows (one statement writes one table), and the merge that follows may
 * replace that very row, so its text is moved before the merge runs.
 */
export async function storePrompts(ledger: Ledger, importId: string): Promise<void> {
  await ledger.run(sql('import/store_prompts'), { import_id: importId });
  await ledger.run(sql('import/clear_prompt_texts'), { import_id: importId });
}
