import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/db/ledger.js';
import { newLedger, priceLedger } from '../helpers.js';

// agent_turns() marks a turn re-asked when the next prompt's Jaro-Winkler similarity is >= 0.9, asked
// with a score cutoff so that pairs which cannot reach it stop early (create_agent_turns_macro.sql).
// The flag must be the plain comparison's for pairs on both sides of the threshold, ~1 KB prompts as
// transcripts have them.

const BASE = Array.from({ length: 40 }, (_, i) => `step ${i}: update the parser for case ${(i * 7919) % 1000}`).join('; ');

/** The base prompt with `edits` runs of characters replaced, spread over the text. */
function edited(edits: number): string {
  let s = BASE;
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(((k + 1) * s.length) / (edits + 1));
    s = `${s.slice(0, at)}#${'QXZ'.repeat(1 + (k % 3))}#${s.slice(at + 8)}`;
  }
  return s;
}

async function twoPrompts(ledger: Ledger, id: string, first: string, second: string): Promise<void> {
  for (const [n, text] of [[1, first], [2, second]] as const) {
    const hash = `h_${id}_${n}`;
    await ledger.run('INSERT INTO prompts VALUES ($h, $t)', { h: hash, t: text });
    await ledger.run(
      `INSERT INTO agent_events (record_key, source, source_line, import_id, session_id, occurred_at, is_sidechain, event, prompt_hash)
       VALUES ($key, 'claude-code', $n, 'imp_test', $session, $at::TIMESTAMPTZ, false, 'prompt', $h)`,
      { key: `${id}:${n}`, n, session: id, at: `2026-11-02T10:0${n}:00Z`, h: hash },
    );
    await ledger.run(
      `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, input_tokens, cache_read_tokens,
         cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, session_id, project, task_type)
       VALUES ($key, 'claude-code', 'imp_test', $at::TIMESTAMPTZ, 'anthropic', 'claude-haiku-4-5', 'claude-haiku-4-5', 1, 1000, 0, 0, 0, 10, $session, 'proj', 'coding')`,
      { key: `req:${id}:${n}`, at: `2026-11-02T10:0${n}:30Z`, session: id },
    );
  }
}

describe('re-asked turns with the similarity cutoff', () => {
  let ledger: Ledger;
  let rows: { session_id: string; re_asked: boolean; similarity: number }[];
  beforeAll(async () => {
    ledger = await newLedger();
    for (let edits = 0; edits <= 60; edits += 2) await twoPrompts(ledger, `s-${String(edits).padStart(2, '0')}`, BASE, edited(edits));
    await twoPrompts(ledger, 's-short', BASE, BASE.slice(0, 300)); // lengths too far apart to reach 0.9
    await priceLedger(ledger);
    rows = await ledger.all(
      `SELECT t.session_id, t.re_asked, jaro_winkler_similarity(p1.prompt_text, p2.prompt_text) AS similarity
       FROM agent_turns() t
       JOIN prompts p1 ON p1.prompt_hash = 'h_' || t.session_id || '_1'
       JOIN prompts p2 ON p2.prompt_hash = 'h_' || t.session_id || '_2'
       WHERE t.turn_no = 1
       ORDER BY t.session_id`,
    );
  }, 60_000);

  it('flags exactly the pairs whose plain similarity is at least 0.9, on both sides of it', () => {
    expect(rows.length).toBe(32);
    for (const r of rows) expect(r.re_asked, `${r.session_id} at ${r.similarity}`).toBe(r.similarity >= 0.9);
    const near = rows.filter((r) => Math.abs(r.similarity - 0.9) < 0.03);
    expect(near.some((r) => r.re_asked) && near.some((r) => !r.re_asked)).toBe(true); // the threshold is crossed, closely
  });
});
