import fs from 'node:fs';
import path from 'node:path';
import { writeFileSynced } from './chunk-writer.js';
import { BASE62, Rng } from './random.js';

/** What the generator wrote, to check recount's import (one record per API response) against. */
export interface ClaudeCodePlan {
  projects: number;
  sessions: number; // one .jsonl file each
  lines: number;
  assistantLines: number;
  bytes: number;
  responses: number; // distinct message.id values: what recount should import as records
  responsesWithoutRequestId: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
}

const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'] as const;
const PROJECT_NAMES = ['acme-api', 'acme-web', 'billing', 'infra', 'mobile-app', 'data-pipeline', 'docs-site', 'auth-service',
  'search', 'notifications', 'analytics', 'cli-tools', 'payments', 'gateway', 'ml-ranker', 'admin-ui', 'etl-jobs', 'sdk-js',
  'sdk-python', 'design-system', 'monorepo', 'terraform', 'ios-app', 'support-bot'];
const BRANCHES = ['main', 'feat/rate-limit-tuning', 'refactor/auth-module', 'fix/flaky-tests', 'chore/deps', 'feat/export-csv'];
const VERSIONS = ['2.0.37', '2.0.42', '2.0.55'];
const TOOLS = ['Read', 'Edit', 'Bash', 'Grep', 'Glob', 'Write', 'TodoWrite'];
const PROMPTS = [
  'refactor the auth module across services',
  'why does the invoice parser fail on the October export? fix it and add a test',
  'add rate limiting to the public endpoints, 100 req/min per key',
  'the CI is red on main, find out why',
  'write a migration that backfills the new currency column',
  'review my last commit and tighten the error handling',
  'port the retry helper to the python sdk',
];
const WORDS = ('the a to of and in for with this that it we should check first then update file test function module service ' +
  'error config handler request response schema type value return import export const async await build run cache token ' +
  'parse invoice session user key limit route query index migration column table retry timeout').split(' ');

const FIRST_DAY_MS = Date.UTC(2026, 9, 1); // sessions start between 2026-10-01 and 2026-10-30
const SPAN_MS = 29.8 * 86_400_000;
const NO_REQUEST_ID_SHARE = 0.02; // responses written without requestId (older builds, some error paths)

/** Per-session constants shared by every line of the transcript. */
interface Session {
  rng: Rng;
  cwd: string;
  sessionId: string;
  version: string;
  gitBranch: string;
  model: string;
  ttl: '5m' | '1h';
  lines: string[];
  parentUuid: string | null;
  clockMs: number;
  context: number; // tokens already in the prompt cache
}

interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/**
 * Writes Claude Code transcripts under `<configDir>/projects/<encoded-cwd>/<sessionId>.jsonl` until at
 * least `assistantLines` assistant lines exist. Each API response is 2–4 streamed lines sharing
 * message.id/requestId (the early ones carry placeholder output_tokens, the last the final count),
 * with human prompts and tool results as user lines between them.
 */
export function generateClaudeCodeProjects(configDir: string, assistantLines: number, seed = 2): ClaudeCodePlan {
  const rng = new Rng(seed);
  const plan: ClaudeCodePlan = {
    projects: 0, sessions: 0, lines: 0, assistantLines: 0, bytes: 0, responses: 0, responsesWithoutRequestId: 0,
    inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0,
  };
  const cwds = PROJECT_NAMES.map((name) => `/home/dev/${name}`);
  for (const cwd of cwds) fs.mkdirSync(projectDir(configDir, cwd), { recursive: true });
  plan.projects = cwds.length;
  while (plan.assistantLines < assistantLines) {
    const session = newSession(rng, rng.pick(cwds));
    writeSession(session, rng.int(1, 10), assistantLines, plan);
    const file = path.join(projectDir(configDir, session.cwd), `${session.sessionId}.jsonl`);
    plan.bytes += writeFileSynced(file, session.lines.join('\n') + '\n');
    plan.sessions++;
    plan.lines += session.lines.length;
  }
  return plan;
}

/** Claude Code's folder name for a working directory: path separators and dots become '-'. */
function projectDir(configDir: string, cwd: string): string {
  return path.join(configDir, 'projects', cwd.replace(/[/\\.]/g, '-'));
}

function newSession(rng: Rng, cwd: string): Session {
  const r = rng.next();
  return {
    rng,
    cwd,
    sessionId: rng.uuid(),
    version: rng.pick(VERSIONS),
    gitBranch: rng.pick(BRANCHES),
    model: r < 0.45 ? MODELS[0] : r < 0.9 ? MODELS[1] : MODELS[2],
    ttl: rng.chance(0.5) ? '1h' : '5m',
    lines: [],
    parentUuid: null,
    clockMs: FIRST_DAY_MS + Math.floor(rng.next() * SPAN_MS),
    context: rng.int(12_000, 25_000), // system prompt and tools, cached
  };
}

/** A session of `turns` human turns; stops early once the plan has enough assistant lines. */
function writeSession(s: Session, turns: number, target: number, plan: ClaudeCodePlan): void {
  s.lines.push(JSON.stringify({ type: 'file-history-snapshot', messageId: s.rng.uuid(), snapshot: { trackedFileBackups: {}, timestamp: iso(s.clockMs) }, isSnapshotUpdate: false }));
  for (let t = 0; t < turns && plan.assistantLines < target; t++) {
    pushLine(s, { type: 'user', message: { role: 'user', content: s.rng.pick(PROMPTS) } });
    const responses = s.rng.int(2, 12);
    for (let i = 0; i < responses && plan.assistantLines < target; i++) {
      const last = i === responses - 1;
      const toolId = writeResponse(s, last, plan);
      if (toolId) pushLine(s, { type: 'user', message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: words(s.rng, 20, 120) }] } });
    }
  }
}

/**
 * One API response as 2–4 streamed lines; adds its final usage to the plan. Returns the tool_use id
 * when the response ends in a tool call (a tool result follows), else null.
 */
function writeResponse(s: Session, endsTurn: boolean, plan: ClaudeCodePlan): string | null {
  const { rng } = s;
  const model = s.model !== MODELS[2] && rng.chance(0.15) ? MODELS[2] : s.model; // quick side calls on haiku
  const messageId = `msg_01${rng.chars(BASE62, 22)}`;
  const requestId = rng.chance(NO_REQUEST_ID_SHARE) ? undefined : `req_011C${rng.chars(BASE62, 20)}`;
  const usage = responseUsage(s);
  const finalOutput = usage.output_tokens;
  const toolId = endsTurn ? null : `toolu_01${rng.chars(BASE62, 22)}`;
  const n = rng.int(2, 4);
  for (let k = 0; k < n; k++) {
    const final = k === n - 1;
    const content = final ? [finalBlock(rng, toolId)] : [k === 0 && rng.chance(0.5) ? thinkingBlock(rng) : textBlock(rng)];
    const lineUsage = { ...usage, output_tokens: final ? finalOutput : rng.int(1, 12) }; // placeholders while streaming
    pushLine(s, {
      message: { id: messageId, type: 'message', role: 'assistant', model, content, stop_reason: final ? (toolId ? 'tool_use' : 'end_turn') : null, stop_sequence: null, usage: lineUsage },
      requestId,
      type: 'assistant',
    });
  }
  plan.assistantLines += n;
  plan.responses++;
  if (!requestId) plan.responsesWithoutRequestId++;
  plan.inputTokens += usage.input_tokens;
  plan.cacheReadTokens += usage.cache_read_input_tokens;
  plan.cacheWrite5mTokens += usage.cache_creation.ephemeral_5m_input_tokens;
  plan.cacheWrite1hTokens += usage.cache_creation.ephemeral_1h_input_tokens;
  plan.outputTokens += finalOutput;
  return toolId;
}

/** Usage of the next response: the cached context is read, new tokens written, and the context grows. */
function responseUsage(s: Session): Usage {
  const { rng } = s;
  if (s.context > 160_000) s.context = rng.int(15_000, 30_000); // compacted
  const write = rng.chance(0.05) ? rng.int(15_000, 60_000) : rng.int(100, 6_000);
  const output = rng.int(20, 2_500);
  const usage: Usage = {
    input_tokens: rng.int(1, 20),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: s.context,
    cache_creation: { ephemeral_5m_input_tokens: s.ttl === '5m' ? write : 0, ephemeral_1h_input_tokens: s.ttl === '1h' ? write : 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
  s.context += write + output;
  return usage;
}

/** Appends a transcript line with the common envelope, chaining parentUuid and advancing the clock. */
function pushLine(s: Session, body: { type: string; message: unknown; requestId?: string }): void {
  const uuid = s.rng.uuid();
  s.clockMs += s.rng.int(800, 9_000);
  const { type, message, requestId } = body;
  s.lines.push(
    JSON.stringify({
      parentUuid: s.parentUuid, isSidechain: false, userType: 'external', cwd: s.cwd, sessionId: s.sessionId,
      version: s.version, gitBranch: s.gitBranch, message, requestId, type, uuid, timestamp: iso(s.clockMs),
    }),
  );
  s.parentUuid = uuid;
}

function finalBlock(rng: Rng, toolId: string | null): object {
  if (!toolId) return textBlock(rng);
  const name = rng.pick(TOOLS);
  return { type: 'tool_use', id: toolId, name, input: name === 'Bash' ? { command: `npm test -- ${rng.pick(WORDS)}` } : { file_path: `/src/${rng.pick(WORDS)}/${rng.pick(WORDS)}.ts` } };
}

function thinkingBlock(rng: Rng): object {
  return { type: 'thinking', thinking: words(rng, 15, 60), signature: rng.chars(BASE62, 200) };
}

function textBlock(rng: Rng): object {
  return { type: 'text', text: words(rng, 5, 40) };
}

function words(rng: Rng, min: number, max: number): string {
  const n = rng.int(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
