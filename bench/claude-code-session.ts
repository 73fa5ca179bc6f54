import { countResponse, iso, messageId, nextUsage, requestIdFor, type Transcript, type Usage } from './claude-code-lines.js';
import { randomToolCall, type ToolCall } from './claude-code-tools.js';

export const HAIKU = 'claude-haiku-4-5-20251001';
const NO_REQUEST_ID_SHARE = 0.02; // responses written without requestId (older builds, some error paths)
const COMPACT_AT_TOKENS = 160_000;

/** One API response as written: its lines (one per content block) and what they share. */
export interface Written {
  lines: string[];
  message: Record<string, unknown>; // the final line's message (agent_progress nests it)
}

/**
 * Writes one API response, one line per content block (thinking, text, each tool_use), every line
 * repeating message.id, requestId and usage; the earlier lines carry a placeholder output_tokens
 * (so the last line has the largest total). No calls: the response ends the turn with text.
 */
export function writeResponse(t: Transcript, model: string, calls: ToolCall[] | null, finalText?: string): Written {
  const { rng, pool } = t;
  const id = messageId(rng);
  const requestId = rng.chance(NO_REQUEST_ID_SHARE) ? undefined : requestIdFor(rng);
  const usage = nextUsage(t);
  const blocks: object[] = [];
  if (model !== HAIKU && rng.chance(0.7)) {
    const thinking = pool.prose(300, 3_000);
    blocks.push({ type: 'thinking', thinking, signature: pool.base64(thinking.length + 400) });
  }
  if (!calls || rng.chance(0.6)) blocks.push({ type: 'text', text: calls ? pool.prose(50, 900) : finalText ?? pool.prose(200, 2_500) });
  for (const call of calls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  const lines: string[] = [];
  let message: Record<string, unknown> = {};
  blocks.forEach((block, k) => {
    const final = k === blocks.length - 1;
    const lineUsage: Usage = final ? usage : { ...usage, output_tokens: rng.int(1, 12) }; // placeholders while streaming
    message = {
      model, id, type: 'message', role: 'assistant', content: [block],
      stop_reason: final ? (calls ? 'tool_use' : 'end_turn') : null, stop_sequence: null, usage: lineUsage,
    };
    lines.push(t.push('assistant', { message, requestId, type: 'assistant' }));
  });
  countResponse(t.tally, model, usage, requestId, blocks.length);
  return { lines, message };
}

/** The user line answering a tool call: a tool_result block and the tool's structured output. */
export function writeToolResult(t: Transcript, call: ToolCall): void {
  const block = { tool_use_id: call.id, type: 'tool_result', content: call.result, ...(call.isError ? { is_error: true } : {}) };
  t.push('tool_result', { type: 'user', message: { role: 'user', content: [block] } }, { toolUseResult: call.toolUseResult });
}

/** Progress lines while a tool runs: a Bash command's output so far, the PostToolUse hook. */
export function writeToolProgress(t: Transcript, call: ToolCall, hooks: boolean): void {
  const { rng, pool } = t;
  if (call.name === 'Bash' && rng.chance(0.2)) {
    for (let i = rng.int(1, 2); i > 0; i--) {
      const output = pool.code(20, 300);
      t.push('progress', {
        type: 'progress',
        data: { type: 'bash_progress', output, fullOutput: output, elapsedTimeSeconds: rng.int(2, 40), totalLines: rng.int(1, 60) },
        toolUseID: `bash-progress-${i}`, parentToolUseID: call.id,
      });
    }
  }
  if (hooks) {
    t.push('progress', {
      type: 'progress',
      data: { type: 'hook_progress', hookEvent: 'PostToolUse', hookName: `PostToolUse:${call.name}`, command: 'node .claude/hooks/post-tool-use.js' },
      parentToolUseID: call.id, toolUseID: call.id,
    });
  }
}

/** What an agentic loop needs from its caller. */
export interface Loop {
  model: () => string;
  hooks: boolean;
  targetBytes: number; // the file stops growing once past this
  maxResponses: number;
  edited: string[]; // files edited so far (snapshots and reads reuse them)
  nextCall?: (t: Transcript) => ToolCall | null; // a special call (Task) when one is due
  onResponse?: (w: Written) => void;
  finalText?: string;
}

/**
 * Responses until the turn ends: each but the last calls tools (sometimes several in parallel)
 * whose progress and results follow; the last answers in text. Compacts the context when it grows
 * past ~160k tokens, as Claude Code does.
 */
export function agentLoop(t: Transcript, loop: Loop): void {
  const { rng } = t;
  for (let i = 0; ; i++) {
    if (t.context > COMPACT_AT_TOKENS) compact(t);
    const last = i >= loop.maxResponses - 1 || t.bytes >= loop.targetBytes;
    if (last) {
      loop.onResponse?.(writeResponse(t, loop.model(), null, loop.finalText));
      return;
    }
    const special = loop.nextCall?.(t);
    const calls = special ? [special] : Array.from({ length: rng.chance(0.1) ? rng.int(2, 3) : 1 }, () => randomToolCall(t, loop.edited));
    const written = writeResponse(t, loop.model(), calls);
    loop.onResponse?.(written);
    for (const call of calls) {
      call.run?.(written);
      writeToolProgress(t, call, loop.hooks);
      writeToolResult(t, call);
    }
  }
}

/** A human turn: the file-history snapshot, the prompt, the agentic loop, the turn's system lines. */
export function humanTurn(t: Transcript, loop: Loop): void {
  const { rng, pool } = t;
  t.clockMs += rng.int(30_000, 1_200_000); // the human reads, thinks, types
  writeSnapshot(t, loop.edited);
  if (rng.chance(0.05)) {
    const caveat = 'Caveat: The messages below were generated by the user while running local commands. DO NOT respond to these messages or otherwise consider them in your response unless the user explicitly asks you to.';
    t.push('other', { type: 'user', message: { role: 'user', content: caveat }, isMeta: true });
  }
  t.push('prompt', { type: 'user', message: { role: 'user', content: pool.prose(150, 1_900) } }, { thinkingMetadata: { level: 'high', disabled: false, triggers: [] } });
  t.tally.prompts++;
  agentLoop(t, loop);
  if (rng.chance(0.01)) writeSyntheticError(t);
  if (rng.chance(0.5)) t.push('system', { type: 'system', subtype: 'turn_duration', durationMs: rng.int(5_000, 600_000), isMeta: false });
  if (loop.hooks && rng.chance(0.5)) {
    t.push('system', {
      type: 'system', subtype: 'stop_hook_summary', hookCount: 1, hookInfos: [{ command: 'node .claude/hooks/stop.js' }],
      hookErrors: [], preventedContinuation: false, stopReason: '', hasOutput: false, level: 'suggestion',
    });
  }
}

/** Claude Code's checkpoint line at each prompt: the files it backed up so far. */
function writeSnapshot(t: Transcript, edited: string[]): void {
  const id = t.rng.uuid();
  const backups = Object.fromEntries(
    edited.slice(-6).map((file, i) => [file, { backupFileName: `${t.rng.chars('0123456789abcdef', 16)}@v${i + 1}`, version: i + 1, backupTime: iso(t.clockMs) }]),
  );
  t.pushText('snapshot', JSON.stringify({ type: 'file-history-snapshot', messageId: id, snapshot: { messageId: id, trackedFileBackups: backups, timestamp: iso(t.clockMs) }, isSnapshotUpdate: false }));
}

/** Auto-compaction: a boundary line, then the summary that replaces the history (a user line). */
function compact(t: Transcript): void {
  const { rng, pool } = t;
  t.push('system', { type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, level: 'info', compactMetadata: { trigger: 'auto', preTokens: t.context } });
  t.push('other', { type: 'user', message: { role: 'user', content: pool.prose(2_000, 6_000) }, isVisibleInTranscriptOnly: true, isCompactSummary: true });
  t.context = rng.int(15_000, 30_000);
}

/** A local API error line: model <synthetic>, all-zero usage; no reader may count it as a response. */
function writeSyntheticError(t: Transcript): void {
  const usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0 }, service_tier: null, cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 } };
  const text = 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
  t.push('assistant', { message: { id: t.rng.uuid(), container: null, model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message', usage, content: [{ type: 'text', text }] }, type: 'assistant' }, { isApiErrorMessage: true });
}
