import { BASE62, Rng } from './random.js';
import type { TextPool } from './text-pool.js';

/** What a line is, for the plan's byte shares; only 'assistant' lines carry usage. */
export type LineKind = 'assistant' | 'prompt' | 'tool_result' | 'progress' | 'snapshot' | 'system' | 'other';
export const LINE_KINDS: readonly LineKind[] = ['assistant', 'prompt', 'tool_result', 'progress', 'snapshot', 'system', 'other'];

/** One model's token buckets over unique responses: what recount and the floor must both total. */
export interface ModelTokens {
  records: number;
  input: number;
  cacheRead: number;
  write5m: number;
  write1h: number;
  output: number;
}

/** Running counts over everything written, shared by every transcript of a run. */
export interface Tally {
  lines: Record<LineKind, number>;
  bytes: Record<LineKind, number>;
  responses: number;
  responsesWithoutRequestId: number;
  multiLineResponses: number; // responses written as 2+ lines sharing message.id
  prompts: number; // human prompts (and subagent task prompts), each distinct
  byModel: Record<string, ModelTokens>;
}

export function emptyTally(): Tally {
  const zero = () => Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<LineKind, number>;
  return { lines: zero(), bytes: zero(), responses: 0, responsesWithoutRequestId: 0, multiLineResponses: 0, prompts: 0, byModel: {} };
}

/** Who writes a transcript: the envelope every line repeats, and the model and cache TTL it uses. */
export interface Writer {
  cwd: string;
  sessionId: string;
  version: string;
  gitBranch: string;
  slug: string;
  agentId: string | null; // set in subagent files (isSidechain: true)
  model: string;
  ttl: '5m' | '1h';
}

/** A transcript being written: its lines, the uuid chain, its clock and its cached context. */
export class Transcript {
  readonly lines: string[] = [];
  readonly kinds: LineKind[] = [];
  bytes = 0;
  parentUuid: string | null = null;
  context: number;

  constructor(
    readonly rng: Rng,
    readonly pool: TextPool,
    readonly tally: Tally,
    readonly writer: Writer,
    public clockMs: number,
  ) {
    this.context = rng.int(12_000, 25_000); // system prompt and tool definitions, cached
  }

  /** Appends a line that is already JSON text. */
  pushText(kind: LineKind, text: string): void {
    const bytes = Buffer.byteLength(text) + 1; // and its newline
    this.lines.push(text);
    this.kinds.push(kind);
    this.bytes += bytes;
    this.tally.lines[kind]++;
    this.tally.bytes[kind] += bytes;
  }

  /**
   * Appends a line in the common envelope (key order as Claude Code writes it), chaining parentUuid
   * and advancing the clock; `body` goes between the envelope and uuid/timestamp.
   */
  push(kind: LineKind, body: Record<string, unknown>, tail: Record<string, unknown> = {}): string {
    const { writer: w, rng } = this;
    const uuid = rng.uuid();
    this.clockMs += rng.int(400, 7_000);
    const line = JSON.stringify({
      parentUuid: this.parentUuid, isSidechain: w.agentId != null, userType: 'external', cwd: w.cwd, sessionId: w.sessionId,
      version: w.version, gitBranch: w.gitBranch, ...(w.agentId ? { agentId: w.agentId } : {}), slug: w.slug,
      ...body, uuid, timestamp: iso(this.clockMs), ...tail,
    });
    this.pushText(kind, line);
    this.parentUuid = uuid;
    return line;
  }
}

export interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/** Usage of the transcript's next response: the cached context is read, new tokens written, and the context grows. */
export function nextUsage(t: Transcript): Usage {
  const { rng } = t;
  const write = rng.chance(0.05) ? rng.int(15_000, 60_000) : rng.int(100, 6_000);
  const output = rng.int(20, 2_500);
  const usage: Usage = {
    input_tokens: rng.int(1, 20),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: t.context,
    cache_creation: { ephemeral_5m_input_tokens: t.writer.ttl === '5m' ? write : 0, ephemeral_1h_input_tokens: t.writer.ttl === '1h' ? write : 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
  t.context += write + output;
  return usage;
}

/** Adds a response's final usage to its model's totals. */
export function countResponse(tally: Tally, model: string, u: Usage, requestId: string | undefined, lines: number): void {
  const m = (tally.byModel[model] ??= { records: 0, input: 0, cacheRead: 0, write5m: 0, write1h: 0, output: 0 });
  m.records++;
  m.input += u.input_tokens;
  m.cacheRead += u.cache_read_input_tokens;
  m.write5m += u.cache_creation.ephemeral_5m_input_tokens;
  m.write1h += u.cache_creation.ephemeral_1h_input_tokens;
  m.output += u.output_tokens;
  tally.responses++;
  if (!requestId) tally.responsesWithoutRequestId++;
  if (lines > 1) tally.multiLineResponses++;
}

export const messageId = (rng: Rng) => `msg_01${rng.chars(BASE62, 22)}`;
export const requestIdFor = (rng: Rng) => `req_011C${rng.chars(BASE62, 20)}`;
export const toolUseId = (rng: Rng) => `toolu_01${rng.chars(BASE62, 22)}`;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
