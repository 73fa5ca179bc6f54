/**
 * A ledger whose every free-text field tries to break out of the report: model names, tags, session ids,
 * projects, keys, users and file paths carrying `<script>`, `"onerror=` and `<img onerror>` payloads, a
 * prompt that must never be shown, and a model name long enough that vega's width guess would cut it.
 */
import type { Ledger } from '../../src/db/ledger.js';

export const PAYLOADS = {
  script: '<script>alert(1)</script>',
  attr: '"onerror=alert(1)',
  img: '<img src=x onerror=alert(1)>',
} as const;

export const HOSTILE = {
  model: PAYLOADS.script,
  session: `${PAYLOADS.attr} x`,
  project: PAYLOADS.img,
  apiKey: `key_${PAYLOADS.script}`,
  user: `${PAYLOADS.img}@acme.example`,
  file: `/tmp/${PAYLOADS.attr}/${PAYLOADS.img}.jsonl`,
  tags: JSON.stringify({ feature: PAYLOADS.script, [`x${PAYLOADS.attr}`]: PAYLOADS.img, task: 'chat' }),
  prompt: 'SECRET-PROMPT-the quarterly numbers are confidential',
  longModel: 'anthropic/claude-sonnet-4-5-20250929-long-context',
} as const;

interface Row {
  key: string;
  at: string;
  model: string;
  provider?: string;
  billed?: number | null;
  session?: string | null;
  project?: string | null;
  apiKey?: string | null;
  user?: string | null;
  tags?: string | null;
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
}

async function insert(ledger: Ledger, r: Row): Promise<void> {
  await ledger.run(
    `INSERT INTO usage (record_key, source, source_file, source_line, import_id, started_at, provider, model, model_raw, requests,
       input_tokens, cache_read_tokens, cache_write_5m_tokens, output_tokens, service_tier, billed_cost_usd,
       session_id, project, api_key, user_id, tags, prompt_text, status)
     VALUES ($key, 'litellm', $file, 1, 'imp_hostile', $at::TIMESTAMPTZ, $provider, $model, $model, 1,
       $input, $read, $write, $output, 'standard', $billed, $session, $project, $api_key, $user, $tags::JSON, $prompt, 'ok')`,
    {
      key: r.key,
      file: HOSTILE.file,
      at: r.at,
      provider: r.provider ?? 'anthropic',
      model: r.model,
      input: r.input ?? 2_000,
      read: r.cacheRead ?? 0,
      write: r.cacheWrite ?? 0,
      output: r.output ?? 500,
      billed: r.billed ?? null,
      session: r.session ?? null,
      project: r.project ?? null,
      api_key: r.apiKey ?? null,
      user: r.user ?? null,
      tags: r.tags ?? null,
      prompt: HOSTILE.prompt,
    },
  );
}

/** Adds the hostile rows (October 2026) and an import record for their file to `ledger`. */
export async function seedHostileLedger(ledger: Ledger): Promise<void> {
  const hostile = { session: HOSTILE.session, project: HOSTILE.project, apiKey: HOSTILE.apiKey, user: HOSTILE.user, tags: HOSTILE.tags };
  let n = 0;
  for (let day = 1; day <= 12; day++) {
    const at = `2026-10-${String(day).padStart(2, '0')}T10:00:00Z`;
    // a priced model on every day, with a warm cache after the first call
    await insert(ledger, { key: `h${n++}`, at, model: 'claude-sonnet-4-5', ...hostile, input: 100, cacheRead: day > 1 ? 20_000 : 0, cacheWrite: day === 1 ? 20_000 : 1_000 });
    // the payload model and the long model name, billed by the source, so they reach the charts
    await insert(ledger, { key: `h${n++}`, at: at.replace('T10', 'T11'), model: HOSTILE.model, provider: 'openai', billed: day === 12 ? 40 : 0.5, ...hostile });
    await insert(ledger, { key: `h${n++}`, at: at.replace('T10', 'T12'), model: HOSTILE.longModel, billed: 0.75, ...hostile });
  }
  await ledger.run(
    `INSERT INTO import_files (import_id, imported_at, path, format, rows_read, imported, duplicates, rejected, skipped)
     VALUES ('imp_hostile', '2026-11-15T12:00:00Z', $path, 'litellm-spendlogs-jsonl', $n, $n, 0, 0, 0)`,
    { path: HOSTILE.file, n },
  );
}
