// Claude Code transcripts at the shape of a real ~/.claude folder (issue 13: 618 MiB, 2,118 files).
//
// Layout: <config>/projects/<cwd with / and . as '-'>/<sessionId>.jsonl, and each session's
// subagents in <sessionId>/subagents/agent-<agentId>.jsonl (isSidechain: true, agentId on every
// line). ~55% of the files are subagent files. File sizes: 15 KB to 2 MB, median ~120 KB, mean
// ~290 KB (main sessions lognormal around 200 KB, subagents around 80 KB, clamped).
//
// Lines (one JSON object each; every line but snapshots and summaries carries the envelope
// parentUuid, isSidechain, userType, cwd, sessionId, version, gitBranch, [agentId], slug, uuid, timestamp):
//   assistant  one line per content block (thinking with its signature, text, each tool_use), all
//              repeating message.{id, model, usage} and requestId; the earlier lines of a response
//              carry a placeholder output_tokens, the last the final one. usage = input_tokens,
//              cache_creation_input_tokens, cache_read_input_tokens, cache_creation.{ephemeral_5m,
//              ephemeral_1h}_input_tokens (one TTL per session), output_tokens, service_tier.
//              2% of responses have no requestId; opus, sonnet and haiku (haiku side calls and
//              Explore subagents). ~59% of all bytes: the other 41% are lines without usage.
//   user       a human prompt (string content, ~1 KB, every one distinct: thousands per run), a
//              subagent's task prompt (its file's first line), tool results (a tool_result block
//              plus toolUseResult, the tool's structured output; ~1.6 KB on average, a long tail of
//              big reads), isMeta caveats, compaction summaries (isCompactSummary).
//   progress   hook_progress (PostToolUse hooks, in sessions that have hooks), bash_progress while a
//              command runs, agent_progress in the parent while a subagent works, which nests the
//              subagent's message *with its usage*: not a response to count.
//   system     turn_duration, stop_hook_summary, compact_boundary.
//   file-history-snapshot at each prompt; summary at the top of some files; <synthetic> API error
//              lines (all-zero usage, to skip).
// Duplicates a reader must merge: the streamed lines of a response (same message.id), 1 in 8
// subagent files replaying the parent's Task call (a sidechain copy of a main-chain line), and 1 in
// 20 sessions resumed from the previous one (a copy of its first lines under a new sessionId).
// Deterministic: the same seed and size give the same bytes.
import fs from 'node:fs';
import path from 'node:path';
import { emptyTally, toolUseId, Transcript, type Tally, type Writer } from './claude-code-lines.js';
import { agentLoop, HAIKU, humanTurn, writeResponse, type Loop, type Written } from './claude-code-session.js';
import type { ToolCall } from './claude-code-tools.js';
import { writeFileSynced } from './chunk-writer.js';
import { HEX, Rng } from './random.js';
import { TextPool } from './text-pool.js';

/** What the generator wrote: the folder's shape, and the unique responses recount must import. */
export interface ClaudeCodePlan {
  projects: number;
  sessions: number; // main transcripts
  subagentFiles: number;
  bytes: number;
  fileBytes: { min: number; median: number; max: number };
  tally: Tally; // lines and bytes by kind, responses, prompts, tokens per model
}

const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', HAIKU] as const;
const PROJECT_NAMES = ['acme-api', 'acme-web', 'billing', 'infra', 'mobile-app', 'data-pipeline', 'docs-site', 'auth-service',
  'search', 'notifications', 'analytics', 'cli-tools', 'payments', 'gateway', 'ml-ranker', 'admin-ui', 'etl-jobs', 'sdk-js',
  'sdk-python', 'design-system', 'monorepo', 'terraform', 'ios-app', 'support-bot'];
const BRANCHES = ['main', 'feat/rate-limit-tuning', 'refactor/auth-module', 'fix/flaky-tests', 'chore/deps', 'feat/export-csv'];
const VERSIONS = ['2.0.37', '2.0.55', '2.1.12', '2.1.44'];
const FIRST_DAY_MS = Date.UTC(2026, 9, 1); // sessions start between 2026-10-01 and 2026-10-30
const SPAN_MS = 29.5 * 86_400_000;
const KB = 1000;

interface Gen {
  rng: Rng;
  pool: TextPool;
  plan: ClaudeCodePlan;
  configDir: string;
  sizes: number[];
  previous: { writer: Writer; lines: string[] } | null; // the last main session, for resumes
}

/** Writes transcripts under `<configDir>/projects` until they hold at least `targetBytes`. */
export function generateClaudeCodeProjects(configDir: string, targetBytes: number, seed = 2): ClaudeCodePlan {
  const g = newGen(configDir, seed);
  g.plan.projects = PROJECT_NAMES.length;
  while (g.plan.bytes < targetBytes) {
    const subagents = g.rng.chance(0.5) ? 0 : g.rng.int(1, 4);
    const subagentSizes = Array.from({ length: subagents }, () => fileSize(g.rng, 80 * KB, 1.2));
    writeMainSession(g, fileSize(g.rng, 200 * KB, 1.4), subagentSizes);
  }
  return finish(g);
}

/** Writes one more session of about `targetBytes` (no subagents, no resume), a day's new work; returns its file too. */
export function generateClaudeCodeSession(configDir: string, targetBytes: number, seed: number): { plan: ClaudeCodePlan; file: string } {
  const g = newGen(configDir, seed);
  g.plan.projects = 1;
  const file = writeMainSession(g, targetBytes, [], false);
  return { plan: finish(g), file };
}

function newGen(configDir: string, seed: number): Gen {
  const rng = new Rng(seed);
  const plan: ClaudeCodePlan = { projects: 0, sessions: 0, subagentFiles: 0, bytes: 0, fileBytes: { min: 0, median: 0, max: 0 }, tally: emptyTally() };
  return { rng, pool: new TextPool(rng), plan, configDir, sizes: [], previous: null };
}

function finish(g: Gen): ClaudeCodePlan {
  const sorted = [...g.sizes].sort((a, b) => a - b);
  g.plan.fileBytes = { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
  return g.plan;
}

/** Lognormal around `median`, clamped to the 15 KB–2 MB. */
function fileSize(rng: Rng, median: number, sigma: number): number {
  const gauss = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.round(Math.min(2_000 * KB, Math.max(15 * KB, median * Math.exp(sigma * gauss))));
}

/** A main transcript: human turns until `targetBytes`, starting subagents at random points along the way. */
function writeMainSession(g: Gen, targetBytes: number, subagentSizes: number[], mayResume = true): string {
  const { rng, pool } = g;
  const resumes = mayResume && g.previous != null && rng.chance(0.05);
  const writer = newWriter(rng, resumes ? g.previous!.writer.cwd : `/home/dev/${rng.pick(PROJECT_NAMES)}`);
  const t = new Transcript(rng, pool, g.plan.tally, writer, FIRST_DAY_MS + Math.floor(rng.next() * SPAN_MS));
  if (rng.chance(0.2)) t.pushText('other', JSON.stringify({ type: 'summary', summary: pool.prose(30, 90), leafUuid: rng.uuid() }));
  if (resumes) copyPrefix(g, t);
  const due = subagentSizes.map((size) => ({ size, at: rng.int(0, targetBytes) })).sort((a, b) => a.at - b.at);
  const hooks = rng.chance(0.5);
  const edited: string[] = [];
  const loop: Loop = {
    model: () => (writer.model !== HAIKU && rng.chance(0.1) ? HAIKU : writer.model), // quick side calls on haiku
    hooks, targetBytes, maxResponses: 0, edited,
    nextCall: (tr) => (due.length && tr.bytes >= due[0].at ? taskCall(g, tr, due.shift()!.size, hooks) : null),
  };
  while (t.bytes < targetBytes) humanTurn(t, { ...loop, maxResponses: rng.int(1, 8) });
  while (due.length) humanTurn(t, { ...loop, maxResponses: 2, targetBytes: Infinity }); // every planned subagent runs
  const file = path.join(projectDir(g.configDir, writer.cwd), `${writer.sessionId}.jsonl`);
  writeFile(g, file, t);
  g.plan.sessions++;
  g.previous = { writer, lines: t.lines };
  return file;
}

function newWriter(rng: Rng, cwd: string): Writer {
  const r = rng.next();
  return {
    cwd, sessionId: rng.uuid(), version: rng.pick(VERSIONS), gitBranch: rng.pick(BRANCHES),
    slug: `${rng.chars('abcdefghijklmnopqrstuvwxyz', 6)}-${rng.chars('abcdefghijklmnopqrstuvwxyz', 7)}-${rng.chars('abcdefghijklmnopqrstuvwxyz', 5)}`,
    agentId: null, model: r < 0.45 ? MODELS[0] : r < 0.9 ? MODELS[1] : MODELS[2], ttl: rng.chance(0.4) ? '1h' : '5m',
  };
}

/** A resumed session starts with the previous session's first lines, under the new sessionId. */
function copyPrefix(g: Gen, t: Transcript): void {
  const prev = g.previous!;
  const n = Math.floor(prev.lines.length * (0.2 + 0.4 * g.rng.next()));
  for (let i = 0; i < n; i++) {
    const line = prev.lines[i].split(prev.writer.sessionId).join(t.writer.sessionId);
    t.pushText(line.includes('"type":"assistant"') && line.includes('"usage"') ? 'assistant' : 'other', line);
  }
}

/**
 * A Task call that runs a subagent once the parent's response naming it is written (`run`): writes
 * the subagent's file (its own model; 1 in 8 replay the parent's Task call first) while the parent
 * records agent_progress lines, and sets the subagent's final report as the call's result. The
 * parent's clock moves on by the time the subagent took.
 */
function taskCall(g: Gen, parent: Transcript, targetBytes: number, hooks: boolean): ToolCall {
  const { rng, pool } = g;
  const explore = rng.chance(0.5);
  const prompt = pool.prose(400, 2_000);
  const input = { description: pool.prose(15, 50), prompt, subagent_type: explore ? 'Explore' : 'general-purpose' };
  const call: ToolCall = { id: toolUseId(rng), name: 'Task', input, result: null, toolUseResult: null, isError: false };
  call.run = (written) => {
    const writer: Writer = { ...parent.writer, agentId: `a${rng.chars(HEX, 16)}`, model: explore ? HAIKU : parent.writer.model };
    const sub = new Transcript(rng, pool, g.plan.tally, writer, parent.clockMs);
    if (rng.chance(1 / 8)) for (const line of written.lines) sub.pushText('assistant', line.replace('"isSidechain":false', '"isSidechain":true'));
    sub.push('prompt', { type: 'user', message: { role: 'user', content: prompt } });
    g.plan.tally.prompts++;
    const report = pool.prose(300, 2_500);
    const onResponse = (w: Written) => {
      if (rng.chance(0.1)) agentProgress(parent, call, writer.agentId!, prompt, w);
    };
    agentLoop(sub, { model: () => writer.model, hooks, targetBytes, maxResponses: 400, edited: [], onResponse, finalText: report });
    writeFile(g, path.join(projectDir(g.configDir, writer.cwd), writer.sessionId, 'subagents', `agent-${writer.agentId}.jsonl`), sub);
    g.plan.subagentFiles++;
    parent.clockMs = Math.max(parent.clockMs, sub.clockMs);
    const usage = { input_tokens: rng.int(10, 200), cache_creation_input_tokens: rng.int(1_000, 20_000), cache_read_input_tokens: rng.int(10_000, 400_000), output_tokens: rng.int(200, 5_000) };
    call.result = [{ type: 'text', text: report }];
    call.toolUseResult = {
      status: 'completed', prompt, agentId: writer.agentId, content: [{ type: 'text', text: report }], totalDurationMs: rng.int(20_000, 900_000),
      totalTokens: rng.int(20_000, 500_000), totalToolUseCount: rng.int(1, 40), usage, // a summary on a user line: not a response
    };
  };
  return call;
}

/** A parent's progress line while its subagent works: the subagent's message nested, usage and all. */
function agentProgress(parent: Transcript, call: ToolCall, agentId: string, prompt: string, w: Written): void {
  const nested = { type: 'assistant', message: w.message, uuid: parent.rng.uuid(), timestamp: new Date(parent.clockMs).toISOString() };
  parent.push('progress', { type: 'progress', data: { message: nested, normalizedMessages: [], type: 'agent_progress', prompt, agentId }, toolUseID: `agent_msg_${parent.rng.chars(HEX, 24)}`, parentToolUseID: call.id });
}

/** Claude Code's folder name for a working directory: path separators and dots become '-'. */
function projectDir(configDir: string, cwd: string): string {
  return path.join(configDir, 'projects', cwd.replace(/[/\\.]/g, '-'));
}

function writeFile(g: Gen, file: string, t: Transcript): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = writeFileSynced(file, t.lines.join('\n') + '\n');
  g.plan.bytes += bytes;
  g.sizes.push(bytes);
}
