#!/usr/bin/env node
// make-demo-month: writes samples/month/, the month `recount demo` imports: a small team's October 2026
// of coding-agent work (Claude Code transcripts with subagents, Codex rollouts), the support app's
// LiteLLM gateway log, and the providers' usage and cost exports for the same days. Seeded: the same
// files on every run. Usage: node scripts/make-demo-month.mjs [--seed N] [--out DIR]
//
// The shape published guides report (field-facts): most of the spend on one flagship
// (claude-opus-4-6) doing tier-1 work (reads, greps), cache reads keeping the bill down, and one day
// over $700 from an agent left running. Anthropic's usage and cost exports hold one explainable gap: on
// 2026-10-20 a CI eval script billed claude-sonnet-4-5 traffic that no transcript or gateway log shows.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClaudeSession, CodexSession, makeRng } from './make-demo-month-agents.mjs';
import { TASKS, runTask, runRunaway } from './make-demo-month-tasks.mjs';

let codexTests = 0; // Codex test runs so far: every fifth fails (exit code 1), for the turn outcomes

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const SEED = Number(opt('--seed', 20261001));
const OUT = path.resolve(opt('--out', path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'month')));

const rng = makeRng(SEED);
const billed = []; // every request as the provider bills it: { at, provider, model, u, r, w5, w1h, o }
const files = []; // [relative path, lines]
const DAY = 86_400_000;
const day0 = Date.UTC(2026, 9, 1);
const RUNAWAY_DAY = 14; // 2026-10-15
const isWeekend = (d) => [0, 6].includes(new Date(day0 + d * DAY).getUTCDay());

// the team: three Claude Code users (two on Opus by default, one on Sonnet) and one Codex user
const DEVS = [
  { name: 'maria', project: 'acme-api', model: 'claude-opus-4-6', perDay: 0.6, mix: ['explore', 'explore', 'bug_fix', 'feature', 'tests', 'review', 'docs', 'architecture'] },
  { name: 'jonas', project: 'acme-web', model: 'claude-opus-4-6', perDay: 0.55, mix: ['explore', 'explore', 'feature', 'bug_fix', 'lint', 'refactor', 'tests', 'algorithm'] },
  { name: 'lena', project: 'acme-infra', model: 'claude-sonnet-4-5', perDay: 0.4, mix: ['explore', 'bug_fix', 'feature', 'docs', 'review'] },
];

function claudeMonth() {
  for (let d = 0; d < 31; d++) {
    for (const dev of DEVS) {
      const sessions = isWeekend(d) ? (rng.chance(0.15) ? 1 : 0) : Math.floor(dev.perDay + rng.next());
      let start = day0 + d * DAY + rng.int(8 * 60, 10 * 60) * 60_000;
      for (let s = 0; s < sessions; s++) {
        const cwd = `/home/${dev.name}/src/${dev.project}`;
        const session = new ClaudeSession(rng, billed, { cwd, branch: rng.pick(['main', `feat/${rng.pick(['exports', 'limits', 'auth', 'search'])}`]), model: dev.model, start, prefixTokens: rng.int(30_000, 45_000) });
        const turns = rng.int(3, 6);
        for (let k = 0; k < turns; k++) {
          // an idle gap before some turns: the developer was away and the cache expired
          const gap = k === 0 ? 0 : rng.chance(0.45) ? rng.int(420, 2400) : rng.int(20, 150);
          runTask(rng, session, TASKS[rng.pick(dev.mix)], gap);
        }
        files.push(...session.files(`claude-code/projects/${cwd.replace(/\//g, '-')}`));
        start = session.t + rng.int(45, 150) * 60_000;
      }
    }
  }
  // the agent left running: a sweep of the whole web repo on Opus that nobody stopped for 13 hours
  const cwd = '/home/jonas/src/acme-web';
  const runaway = new ClaudeSession(rng, billed, { cwd, branch: 'chore/auth-cookie-audit', model: 'claude-opus-4-6', start: day0 + RUNAWAY_DAY * DAY + (8 * 60 + 52) * 60_000, prefixTokens: 21_000 });
  runRunaway(rng, runaway);
  files.push(...runaway.files(`claude-code/projects/${cwd.replace(/\//g, '-')}`));
}

const CODEX_TASKS = [
  ['fix the failing invoice rounding test in billing/totals', 'bug'],
  ['add an endpoint that exports invoices as CSV', 'feature'],
  ['write unit tests for the proration helper', 'tests'],
  ['review the diff of this branch before I open the pull request', 'review'],
  ['fix the flaky webhook retry spec', 'bug'],
  ['implement idempotency keys for the charge endpoint', 'feature'],
];

function codexMonth() {
  const cwd = '/home/sam/src/acme-billing';
  for (let d = 0; d < 31; d++) {
    if (isWeekend(d) || rng.chance(0.25)) continue;
    const s = new CodexSession(rng, billed, { cwd, start: day0 + d * DAY + rng.int(9 * 60, 15 * 60) * 60_000 });
    for (let k = 0, turns = rng.int(1, 2); k < turns; k++) {
      const [text, kind] = rng.pick(CODEX_TASKS);
      s.turn(text, k === 0 ? 1 : rng.int(60, 900));
      const steps = rng.int(3, 7);
      for (let i = 0; i < steps; i++) {
        const patch = kind !== 'review' && i === steps - 2;
        const test = kind !== 'review' && i === steps - 1;
        const call = patch
          ? { name: 'apply_patch', file: 'src/billing/totals.ts', patch: '*** Begin Patch\n*** Update File: src/billing/totals.ts\n@@\n-  return Math.round(x);\n+  return roundHalfEven(x);\n*** End Patch\n' }
          : { name: 'shell', command: test ? 'npm test -- billing' : rng.pick(['rg -n "invoice" src', "sed -n '1,120p' src/billing/totals.ts", 'git diff main']), output: test ? 'Tests: 42 passed' : 'src/billing/totals.ts:12: export function total(' };
        if (test && ++codexTests % 5 === 2) Object.assign(call, { output: 'Tests: 1 failed, 41 passed', exitCode: 1 }); // a fixed schedule, no random draw
        s.respond({ call, out: rng.int(120, 500), reasoning: rng.pick([0, 64, 192]), resultTokens: rng.int(400, 3500) });
      }
      s.respond({ message: 'Done: the change and its test are in place.', out: rng.int(200, 600) });
    }
    files.push(s.file('codex'));
  }
}

// the support app behind the team's LiteLLM proxy: triage, thread summaries and draft replies
const APP = [
  { task: 'ticket-triage', model: 'gpt-4.1-mini-2025-04-14', canonical: 'gpt-4.1-mini', provider: 'openai', prompt: [900, 2200], out: [20, 80] },
  { task: 'summarize-thread', model: 'gpt-5-mini-2025-08-07', canonical: 'gpt-5-mini', provider: 'openai', prompt: [2500, 9000], out: [200, 600] },
  { task: 'draft-reply', model: 'claude-haiku-4-5-20251001', canonical: 'claude-haiku-4-5', provider: 'anthropic', prompt: [1500, 5000], out: [250, 700] },
];

function gatewayMonth() {
  const lines = [];
  const key = 'c3f1a9e07d2b4c58a6e1f0b9d8c7a6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9';
  for (let d = 0; d < 31; d++) {
    for (let k = 0, n = isWeekend(d) ? 2 : rng.int(4, 8); k < n; k++) {
      const app = rng.pick(APP);
      const at = day0 + d * DAY + rng.int(7 * 3600, 19 * 3600) * 1000;
      const prompt = rng.int(...app.prompt);
      const out = rng.int(...app.out);
      const cached = app.provider === 'openai' && rng.chance(0.4) ? Math.floor((prompt * 0.6) / 128) * 128 : 0;
      const spend = price(app.canonical, prompt - cached, cached, 0, 0, out);
      billed.push({ at, provider: app.provider, model: app.canonical, u: prompt - cached, r: cached, w5: 0, w1h: 0, o: out });
      const id = `chatcmpl-${rng.uuid()}`;
      lines.push({
        request_id: id, call_type: 'acompletion', api_key: key, spend: Number(spend.toFixed(9)), total_tokens: prompt + out, prompt_tokens: prompt, completion_tokens: out,
        startTime: new Date(at).toISOString().slice(0, 23), endTime: new Date(at + 2100).toISOString().slice(0, 23), model: app.model, model_group: app.task === 'draft-reply' ? 'drafting' : 'support-fast',
        custom_llm_provider: app.provider, user: 'support-app', team_id: 'support', session_id: null, status: 'success', cache_hit: 'False',
        request_tags: [`task:${app.task}`, 'team:support'],
        metadata: { user_api_key_alias: 'support-bot-prod', user_api_key_team_alias: 'support', usage_object: { prompt_tokens: prompt, completion_tokens: out, prompt_tokens_details: { cached_tokens: cached } } },
      });
    }
  }
  lines.sort((a, b) => a.startTime.localeCompare(b.startTime));
  files.push(['litellm/spend-logs.jsonl', lines]);
}

// list rates per million tokens, October 2026 (the bundled catalog): input, cache read, write 5m, write 1h, output
const RATES = {
  'claude-opus-4-6': [5, 0.5, 6.25, 10, 25],
  'claude-sonnet-4-5': [3, 0.3, 3.75, 6, 15],
  'claude-haiku-4-5': [1, 0.1, 1.25, 2, 5],
  'gpt-5-codex': [1.25, 0.125, 0, 0, 10],
  'gpt-4.1-mini': [0.4, 0.1, 0, 0, 1.6],
  'gpt-5-mini': [0.25, 0.025, 0, 0, 2],
};
const price = (m, u, r, w5, w1h, o) => (u * RATES[m][0] + r * RATES[m][1] + w5 * RATES[m][2] + w1h * RATES[m][3] + o * RATES[m][4]) / 1e6;

/** Per (day, provider, model): token sums, from which the cost exports are written. */
function dailyTotals() {
  const out = new Map();
  for (const b of billed) {
    const day = new Date(b.at).toISOString().slice(0, 10);
    // Sonnet 4.5 bills a request whose prompt passes 200K at its long-context rates, on lines of their own
    const long = b.model === 'claude-sonnet-4-5' && b.u + b.r + b.w5 + b.w1h > 200_000;
    const k = `${day}|${b.provider}|${b.model}|${long}`;
    const t = out.get(k) ?? { day, provider: b.provider, model: b.model, long, u: 0, r: 0, w5: 0, w1h: 0, o: 0 };
    for (const f of ['u', 'r', 'w5', 'w1h', 'o']) t[f] += b[f];
    out.set(k, t);
  }
  return [...out.values()].sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model));
}

const ANTHROPIC_TYPES = [
  ['u', 0, 'uncached_input_tokens', 'Input Tokens'],
  ['r', 1, 'cache_read_input_tokens', 'Cache Read'],
  ['w5', 2, 'cache_creation.ephemeral_5m_input_tokens', 'Cache Write (5m)'],
  ['o', 4, 'output_tokens', 'Output Tokens'],
];
const RAW = { 'claude-opus-4-6': 'claude-opus-4-6', 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5': 'claude-haiku-4-5-20251001' };
const DISPLAY = { 'claude-opus-4-6': 'Claude Opus 4.6', 'claude-sonnet-4-5': 'Claude Sonnet 4.5', 'claude-haiku-4-5': 'Claude Haiku 4.5' };
// the gap: a CI eval script's claude-sonnet-4-5 traffic on 2026-10-20, in no transcript or log
const SCRIPT_DAY = '2026-10-20';
const SCRIPT = { model: 'claude-sonnet-4-5', u: 4_210_000, r: 0, w5: 0, w1h: 0, o: 610_000 };

function anthropicCostReport(totals) {
  const days = new Map();
  const add = (t) => {
    const results = days.get(t.day) ?? [];
    for (const [f, ix, tokenType, label] of ANTHROPIC_TYPES) {
      if (!t[f]) continue;
      const lc = t.long ? (f === 'o' ? 1.5 : 2) : 1;
      const cents = (t[f] * RATES[t.model][ix] * lc) / 1e4; // per million tokens, in cents
      results.push({ currency: 'USD', amount: cents.toFixed(6).replace(/\.?0+$/, ''), workspace_id: 'wrkspc_01AcmeEngTeam8Hq2Lk5Vn', description: `${DISPLAY[t.model]} Usage - ${label}${t.long ? ' (Long Context)' : ''}`, cost_type: 'tokens', context_window: t.long ? '200k-1M' : '0-200k', model: RAW[t.model], service_tier: 'standard', token_type: tokenType });
    }
    days.set(t.day, results);
  };
  for (const t of totals.filter((x) => x.provider === 'anthropic')) add(t);
  add({ day: SCRIPT_DAY, provider: 'anthropic', ...SCRIPT, model: SCRIPT.model });
  const data = [...days.entries()].sort().map(([day, results]) => ({ starting_at: `${day}T00:00:00Z`, ending_at: `${nextDay(day)}T00:00:00Z`, results }));
  files.push(['anthropic/cost-report.json', { data, has_more: false, next_page: null }]);
}

const SEARCH_DAY = '2026-10-14';
const SEARCH_CALLS = 640; // $10 per 1,000 calls

function openaiCosts(totals) {
  const days = new Map();
  for (const t of totals.filter((x) => x.provider === 'openai')) {
    const results = days.get(t.day) ?? [];
    for (const [f, ix, label] of [['u', 0, 'input'], ['r', 1, 'cached input'], ['o', 4, 'output']]) {
      if (!t[f]) continue;
      const project = t.model === 'gpt-5-codex' ? 'proj_AcmeEngCodex4Rt7Wq' : 'proj_AcmeSupportApp9Kd2';
      results.push({ object: 'organization.costs.result', amount: { value: Number(((t[f] * RATES[t.model][ix]) / 1e6).toFixed(10)), currency: 'usd' }, line_item: `${t.model}, ${label}`, project_id: project, api_key_id: null, quantity: null, quantity_unit: null });
    }
    days.set(t.day, results);
  }
  // the invoice's explainable gap: the support app's web search tool calls, billed per call, which the
  // gateway log does not count (reconciliation names 'web search charges')
  const searches = days.get(SEARCH_DAY) ?? [];
  searches.push({ object: 'organization.costs.result', amount: { value: SEARCH_CALLS * 0.01, currency: 'usd' }, line_item: 'gpt-4.1-mini, web search tool calls', project_id: 'proj_AcmeSupportApp9Kd2', api_key_id: null, quantity: SEARCH_CALLS, quantity_unit: 'calls' });
  days.set(SEARCH_DAY, searches);
  const data = [...days.entries()].sort().map(([day, results]) => ({ object: 'bucket', start_time: Date.parse(`${day}T00:00:00Z`) / 1000, end_time: Date.parse(`${nextDay(day)}T00:00:00Z`) / 1000, results }));
  files.push(['openai/costs-api.json', { object: 'page', data, has_more: false, next_page: null }]);
}

// The providers' usage exports for the same days, derived from the billed requests (no random draws):
// what the logs show plus the CI eval script, which only Anthropic's side sees (usage_counted counts it
// as the usage report's remainder, unclassified).
function anthropicUsageReport(totals) {
  const days = new Map();
  const add = (t) => {
    const results = days.get(t.day) ?? [];
    results.push({
      uncached_input_tokens: t.u, cache_read_input_tokens: t.r, cache_creation: { ephemeral_5m_input_tokens: t.w5, ephemeral_1h_input_tokens: t.w1h },
      output_tokens: t.o, server_tool_use: { web_search_requests: 0 }, api_key_id: null, workspace_id: 'wrkspc_01AcmeEngTeam8Hq2Lk5Vn',
      model: RAW[t.model], service_tier: 'standard', context_window: t.long ? '200k-1M' : '0-200k', inference_geo: null,
    });
    days.set(t.day, results);
  };
  // one row per day, model and context window: the script's tokens join that day's Sonnet row
  const rows = totals.filter((x) => x.provider === 'anthropic').map((t) => ({ ...t }));
  const sonnet = rows.find((t) => t.day === SCRIPT_DAY && t.model === SCRIPT.model && !t.long);
  if (sonnet) for (const f of ['u', 'r', 'w5', 'w1h', 'o']) sonnet[f] += SCRIPT[f];
  else rows.push({ day: SCRIPT_DAY, provider: 'anthropic', long: false, ...SCRIPT });
  for (const t of rows) add(t);
  const data = [...days.entries()].sort().map(([day, results]) => ({ starting_at: `${day}T00:00:00Z`, ending_at: `${nextDay(day)}T00:00:00Z`, results }));
  files.push(['anthropic/usage-report.json', { data, has_more: false, next_page: null }]);
}

// OpenAI model ids as the usage API reports them, and the project each runs in
const OPENAI_RAW = Object.fromEntries(APP.filter((a) => a.provider === 'openai').map((a) => [a.canonical, a.model]));
const projectOf = (model) => (model === 'gpt-5-codex' ? 'proj_AcmeEngCodex4Rt7Wq' : 'proj_AcmeSupportApp9Kd2');

function openaiUsage() {
  const rows = new Map(); // day|model → sums with the request count
  for (const b of billed.filter((x) => x.provider === 'openai')) {
    const day = new Date(b.at).toISOString().slice(0, 10);
    const t = rows.get(`${day}|${b.model}`) ?? { day, model: b.model, n: 0, u: 0, r: 0, o: 0 };
    Object.assign(t, { n: t.n + 1, u: t.u + b.u, r: t.r + b.r, o: t.o + b.o });
    rows.set(`${day}|${b.model}`, t);
  }
  const data = [];
  for (let d = 0; d < 31; d++) {
    const day = new Date(day0 + d * DAY).toISOString().slice(0, 10);
    const results = [...rows.values()].filter((t) => t.day === day).sort((a, b) => a.model.localeCompare(b.model)).map((t) => ({
      object: 'organization.usage.completions.result', input_tokens: t.u + t.r, output_tokens: t.o, input_cached_tokens: t.r,
      input_cache_write_tokens: 0, input_uncached_tokens: t.u, input_audio_tokens: 0, output_audio_tokens: 0, num_model_requests: t.n,
      project_id: projectOf(t.model), user_id: null, api_key_id: null, model: OPENAI_RAW[t.model] ?? t.model, batch: false, service_tier: null,
    }));
    data.push({ object: 'bucket', start_time: (day0 + d * DAY) / 1000, end_time: (day0 + (d + 1) * DAY) / 1000, results });
  }
  files.push(['openai/usage-api-completions.json', { object: 'page', data, has_more: false, next_page: null }]);
}

const nextDay = (day) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

claudeMonth();
codexMonth();
gatewayMonth();
const totals = dailyTotals();
anthropicCostReport(totals);
openaiCosts(totals);
anthropicUsageReport(totals);
openaiUsage();

fs.rmSync(OUT, { recursive: true, force: true });
for (const [rel, content] of files) {
  const file = path.join(OUT, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = Array.isArray(content) ? content.map((l) => JSON.stringify(l)).join('\n') + '\n' : JSON.stringify(content, null, 2) + '\n';
  fs.writeFileSync(file, text);
}
const listUsd = billed.reduce((s, b) => s + price(b.model, b.u, b.r, b.w5, b.w1h, b.o), 0);
if (process.env.DEMO_MONTH_DEBUG) {
  const byDay = new Map();
  for (const b of billed) {
    const k = `${new Date(b.at).toISOString().slice(0, 10)} ${b.model}`;
    const v = byDay.get(k) ?? [0, 0, 0];
    byDay.set(k, [v[0] + 1, v[1] + price(b.model, b.u, b.r, b.w5, b.w1h, b.o), v[2] + b.r]);
  }
  for (const [k, [n, usd, r]] of [...byDay].sort()) process.stderr.write(`${k} ${n} $${usd.toFixed(2)} reads ${(r / 1e6).toFixed(1)}M\n`);
}
process.stderr.write(`wrote ${files.length} files to ${OUT}: ${billed.length} requests, $${listUsd.toFixed(2)} at list prices\n`);
