// Session writers for scripts/make-demo-month.mjs: Claude Code transcripts (main chain and subagent
// files) and Codex rollouts, in the shapes the importers read (samples/claude-code, samples/codex).
// Every request also goes to `billed`, the list the provider cost exports are summed from.

/** mulberry32: a small seeded PRNG, so the same seed writes the same month byte for byte. */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const HEX = '0123456789abcdef';
  const chars = (set, n) => Array.from({ length: n }, () => set[Math.floor(next() * set.length)]).join('');
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    b62: (n) => chars(B62, n),
    hex: (n) => chars(HEX, n),
    uuid: () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${chars('89ab', 1)}${chars(HEX, 3)}-${chars(HEX, 12)}`,
  };
}

const iso = (ms) => new Date(ms).toISOString();
const RAW_MODEL = { 'claude-opus-4-6': 'claude-opus-4-6', 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5': 'claude-haiku-4-5-20251001' };
const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * One Claude Code session: a main chain with a growing context, and subagents with their own. The
 * cache is modelled as Anthropic bills it: a request within 5 minutes of the previous one reads the
 * previous prompt and writes its growth; after an idle gap, or a prefix break, it writes everything
 * past what is still cached.
 */
export class ClaudeSession {
  constructor(rng, billed, { cwd, branch, model, start, prefixTokens = 18_000 }) {
    Object.assign(this, { rng, billed, cwd, branch, model, t: start });
    this.id = rng.uuid();
    this.lines = [];
    this.subagents = [];
    this.parent = null;
    this.ctx = { prompt: prefixTokens, last: null, lastAt: -Infinity, prefix: prefixTokens };
  }

  base(extra) {
    const uuid = this.rng.uuid();
    const line = { parentUuid: this.parent, isSidechain: false, cwd: this.cwd, sessionId: this.id, version: '2.0.37', gitBranch: this.branch, ...extra, uuid };
    this.parent = uuid;
    return line;
  }

  /**
   * The user pressing Esc: Claude Code logs it as a user line. Written without a random draw (its uuid
   * derives from the previous line's), so the month's other figures stay those of its seed.
   */
  interrupt() {
    this.t += 1000;
    const uuid = `${this.parent.slice(0, -4)}1e5c`;
    this.lines.push({ parentUuid: this.parent, isSidechain: false, cwd: this.cwd, sessionId: this.id, version: '2.0.37', gitBranch: this.branch, type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, timestamp: iso(this.t), uuid });
    this.parent = uuid;
  }

  prompt(text, gapS = 0) {
    this.t += gapS * 1000;
    this.lines.push(this.base({ type: 'user', message: { role: 'user', content: text }, timestamp: iso(this.t) }));
    this.ctx.prompt += Math.ceil(text.length / 4) + 20;
  }

  /**
   * One API response: optional text, then tool calls (each followed by its result line). `resultTokens`
   * is what the tool results add to the next prompt. `brk`: the cached prefix broke (a changed tool
   * list), so only the system prefix is read.
   */
  respond({ text, tools = [], out, resultTokens = 0, brk = false, sink = this.lines, ctx = this.ctx, model = this.model, agentId = null }) {
    const rng = this.rng;
    this.t += rng.int(2, 9) * 1000;
    const P = ctx.prompt;
    const u = rng.int(3, 12);
    const warm = ctx.last != null && this.t - ctx.lastAt <= CACHE_TTL_MS;
    // after a compaction the prompt is shorter than the cached one: only the system prefix still reads
    const r = !warm ? 0 : brk || P < ctx.last ? Math.min(ctx.prefix, ctx.last, P - u) : ctx.last;
    const w = P - u - r;
    const usage = { input_tokens: u, cache_creation_input_tokens: w, cache_read_input_tokens: r, cache_creation: { ephemeral_5m_input_tokens: w, ephemeral_1h_input_tokens: 0 }, output_tokens: out, service_tier: 'standard' };
    const message = { id: `msg_01${rng.b62(22)}`, type: 'message', role: 'assistant', model: RAW_MODEL[model] };
    const requestId = `req_011C${rng.b62(18)}`;
    const blocks = [...(text ? [{ type: 'text', text }] : []), ...tools.map((x) => ({ type: 'tool_use', id: `toolu_01${rng.b62(22)}`, name: x.name, input: x.input }))];
    blocks.forEach((block, k) => {
      const last = k === blocks.length - 1;
      // one line per content block; the early ones carry a placeholder output count
      const lineUsage = last ? usage : { ...usage, output_tokens: rng.int(1, 8) };
      const stop = last ? (tools.length ? 'tool_use' : 'end_turn') : null;
      sink.push(this.lineOf(agentId, { message: { ...message, content: [block], stop_reason: stop, stop_sequence: null, usage: lineUsage }, requestId, type: 'assistant', timestamp: iso(this.t + k * 400) }));
    });
    this.billed.push({ at: this.t, provider: 'anthropic', model, u, r, w5: w, w1h: 0, o: out });
    ctx.last = P;
    ctx.lastAt = this.t;
    ctx.prompt = P + out + resultTokens;
    for (const x of blocks.filter((b) => b.type === 'tool_use')) {
      this.t += rng.int(1, 6) * 1000;
      const { result: res, isError } = tools.find((y) => y.input === x.input);
      const block = { tool_use_id: x.id, type: 'tool_result', content: res, ...(isError ? { is_error: true } : {}) }; // a non-zero exit
      sink.push(this.lineOf(agentId, { type: 'user', message: { role: 'user', content: [block] }, timestamp: iso(this.t) }));
    }
  }

  lineOf(agentId, extra) {
    if (agentId == null) return this.base(extra);
    const line = this.base({ ...extra, isSidechain: true, agentId });
    return line;
  }

  /** Context compaction: the transcript marks it, and the next request starts from prefix + summary. */
  compact(summaryTokens) {
    this.t += 20_000;
    this.lines.push(this.base({ type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', level: 'info', isMeta: false, timestamp: iso(this.t), compactMetadata: { trigger: 'auto', preTokens: this.ctx.prompt } }));
    this.ctx.prompt = this.ctx.prefix + summaryTokens;
  }

  /** A Task call in the main chain, then the subagent's own requests in `agent-<id>.jsonl` on `model`. */
  subagent({ description, prompt, model, steps, mainOut }) {
    const agentId = this.rng.hex(8);
    const sink = [];
    const input = { description, subagent_type: 'Explore', prompt };
    const before = this.lines.length;
    this.respond({ tools: [{ name: 'Task', input, result: 'Done: see the report above.' }], out: mainOut, resultTokens: 0 });
    // the subagent file opens with the parent's Task message, which the importer counts once
    const taskLine = this.lines.slice(before).find((l) => l.type === 'assistant');
    const savedParent = this.parent;
    this.parent = null;
    sink.push({ ...taskLine, parentUuid: null, isSidechain: true, agentId });
    sink.push(this.lineOf(agentId, { type: 'user', message: { role: 'user', content: prompt }, timestamp: iso(this.t) }));
    const ctx = { prompt: 9_000 + Math.ceil(prompt.length / 4), last: null, lastAt: -Infinity, prefix: 9_000 };
    let added = 0;
    for (const s of steps) {
      this.respond({ ...s, sink, ctx, model, agentId });
      added += s.resultTokens ?? 0;
    }
    this.respond({ text: 'Report: the call sites and files are listed above.', out: this.rng.int(300, 700), sink, ctx, model, agentId });
    this.parent = savedParent;
    this.ctx.prompt += Math.min(4_000, Math.ceil(added / 10)); // the subagent's report enters the main context
    this.subagents.push({ agentId, lines: sink });
  }

  files(projectDir) {
    const out = [[`${projectDir}/${this.id}.jsonl`, this.lines]];
    for (const s of this.subagents) out.push([`${projectDir}/${this.id}/subagents/agent-${s.agentId}.jsonl`, s.lines]);
    return out;
  }
}

/**
 * One Codex rollout: session_meta, turn_context, the prompt, then per response the reasoning and tool
 * items and a token_count event with cumulative totals (input includes cached; output includes
 * reasoning). OpenAI caches implicitly: a warm request has the previous prompt cached.
 */
export class CodexSession {
  constructor(rng, billed, { cwd, start, model = 'gpt-5-codex' }) {
    Object.assign(this, { rng, billed, cwd, model, t: start });
    this.id = `01${rng.hex(6)}-${rng.hex(4)}-7${rng.hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${rng.hex(3)}-${rng.hex(12)}`;
    this.lines = [];
    this.total = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
    this.prompt_ = 11_000;
    this.lastAt = -Infinity;
    this.lastPrompt = 0;
    this.push('session_meta', { id: this.id, timestamp: iso(this.t), cwd, originator: 'codex_cli_rs', cli_version: '0.61.0', instructions: null, source: 'cli', model_provider: 'openai', git: { commit_hash: rng.hex(40), branch: 'main', repository_url: `git@github.com:acme/${cwd.split('/').pop()}.git` } });
  }

  push(type, payload) {
    this.lines.push({ timestamp: iso(this.t), type, payload });
  }

  turn(text, gapS) {
    this.t += gapS * 1000;
    this.push('turn_context', { cwd: this.cwd, approval_policy: 'on-request', sandbox_policy: { mode: 'workspace-write', network_access: false }, model: this.model, effort: 'medium', summary: 'auto' });
    this.push('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
    this.push('event_msg', { type: 'user_message', message: text, images: [] });
    this.prompt_ += Math.ceil(text.length / 4) + 10;
  }

  /** One response: a tool call (shell or apply_patch) or the final message, then its token_count. */
  respond({ call, message, out, reasoning = 0, resultTokens = 0 }) {
    const rng = this.rng;
    out += reasoning; // Codex's output_tokens include the reasoning
    this.t += rng.int(3, 12) * 1000;
    if (reasoning) this.push('response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: '**Planning next step**' }], content: null, encrypted_content: `gAAAAAB${rng.b62(40)}` });
    const callId = `call_${rng.b62(16)}`;
    if (call?.name === 'apply_patch') this.push('response_item', { type: 'custom_tool_call', status: 'completed', call_id: callId, name: 'apply_patch', input: call.patch });
    else if (call) this.push('response_item', { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', call.command], workdir: this.cwd, timeout_ms: 120000 }), call_id: callId });
    if (message) this.push('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: message }] });
    const P = this.prompt_;
    const warm = this.t - this.lastAt <= CACHE_TTL_MS;
    const cached = warm ? Math.floor(this.lastPrompt / 128) * 128 : 0;
    const last = { input_tokens: P, cached_input_tokens: cached, output_tokens: out, reasoning_output_tokens: reasoning, total_tokens: P + out };
    for (const k of Object.keys(this.total)) this.total[k] += last[k];
    this.push('event_msg', { type: 'token_count', info: { total_token_usage: { ...this.total }, last_token_usage: last, model_context_window: 272000 } });
    this.billed.push({ at: this.t, provider: 'openai', model: this.model, u: P - cached, r: cached, w5: 0, w1h: 0, o: out });
    this.lastAt = this.t;
    this.lastPrompt = P;
    this.prompt_ = P + out + resultTokens;
    if (call) {
      this.t += rng.int(1, 20) * 1000;
      const output = call.name === 'apply_patch' ? 'Success. Updated the following files:\nM ' + call.file : JSON.stringify({ output: call.output, metadata: { exit_code: call.exitCode ?? 0, duration_seconds: 0.4 } });
      this.push('response_item', { type: 'function_call_output', call_id: callId, output });
    }
  }

  file(root) {
    const d = new Date(this.lines[0].timestamp);
    const ymd = d.toISOString().slice(0, 10).split('-');
    const stamp = d.toISOString().slice(0, 19).replace(/:/g, '-');
    return [`${root}/sessions/${ymd.join('/')}/rollout-${stamp}-${this.id}.jsonl`, this.lines];
  }
}
