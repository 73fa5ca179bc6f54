/**
 * Prompt-cache state of the replay: one slot per (thread, model, context), each holding what a
 * provider's cache keeps of that thread's prompt. A cache holds the prompt up to its breakpoint, never
 * the answer (the answer is written by the next request, as part of its prompt), and it keeps what
 * was written with each TTL apart: a prefix written with a 1 h TTL stays warm for an hour whatever
 * later 5-minute writes do, and a read through it refreshes it.
 *
 * Two layers per slot:
 * - the short layer: the whole cached prefix of the last request, alive `shortTtl` seconds after it;
 * - the long layer: the prefix written (or refreshed) with a 1 h TTL, alive an hour after its last use.
 * A request reads the longest prefix still alive.
 *
 * A replayed slot may also *mirror* a history slot: it has been given exactly the requests that
 * history gave that slot (the same thread, on the model history used). Its reads are then the ones
 * history observed, whatever the TTL model says; the first request history gives elsewhere ends it.
 */
export const LONG_TTL_SECONDS = 3600;
const FRESH = -2;
const DIVERGED = -1;

export class CacheSlots {
  private readonly dense: Int32Array | null;
  private readonly sparse = new Map<number, number>();
  private used = 0;
  private shortLen: Float64Array;
  private shortAt: Float64Array;
  private longLen: Float64Array;
  private longAt: Float64Array;
  private mirrorOf: Int32Array; // the history slot a replayed slot mirrors; FRESH, or DIVERGED
  private mirroredBy: Int32Array; // the replayed slot that mirrors a history slot, or -1

  /**
   * `keys`: how many slot keys there can be (a dense index while that is small, else a map);
   * `expected`: how many slots to make room for up front (the arrays double beyond that).
   */
  constructor(keys: number, private readonly shortTtl: number, expected = 1024) {
    this.dense = keys <= 1 << 23 ? new Int32Array(keys).fill(-1) : null;
    const n = Math.max(1024, Math.min(expected, 1 << 24));
    this.shortLen = new Float64Array(n);
    this.shortAt = new Float64Array(n);
    this.longLen = new Float64Array(n);
    this.longAt = new Float64Array(n);
    this.mirrorOf = new Int32Array(n);
    this.mirroredBy = new Int32Array(n);
  }

  /** The slot of `key`, created empty when `create` (else -1 when it has none). */
  slot(key: number, create: boolean): number {
    const found = this.dense ? this.dense[key] : (this.sparse.get(key) ?? -1);
    if (found >= 0 || !create) return found;
    const s = this.used++;
    if (s >= this.shortLen.length) this.grow();
    if (this.dense) this.dense[key] = s;
    else this.sparse.set(key, s);
    this.shortAt[s] = -Infinity;
    this.longAt[s] = -Infinity;
    this.mirrorOf[s] = FRESH;
    this.mirroredBy[s] = -1;
    return s;
  }

  /** Tokens of the prompt's start a request at `t` can read from the slot (0 for no slot). */
  warm(s: number, t: number): number {
    if (s < 0) return 0;
    const short = t - this.shortAt[s] <= this.shortTtl ? this.shortLen[s] : 0;
    const long = t - this.longAt[s] <= LONG_TTL_SECONDS ? this.longLen[s] : 0;
    return Math.max(short, long);
  }

  /**
   * A request at `t` read `r` tokens and wrote `w5` (short TTL) and `w1h` (1 h) after them. 1 h
   * breakpoints come before 5-minute ones, so the long layer ends after the 1 h writes; a read that
   * covers the long layer refreshes it. A request that cached nothing leaves the slot as it was.
   */
  touch(s: number, t: number, r: number, w5: number, w1h: number): void {
    const cached = r + w5 + w1h;
    if (cached <= 0) return;
    if (w1h > 0) {
      this.longLen[s] = r + w1h;
      this.longAt[s] = t;
    } else if (this.longLen[s] > 0 && t - this.longAt[s] <= LONG_TTL_SECONDS && r >= this.longLen[s]) {
      this.longAt[s] = t;
    }
    // a shorter prompt than before (a reset or a break) no longer contains the rest of the old prefix
    this.longLen[s] = Math.min(this.longLen[s], cached);
    this.shortLen[s] = cached;
    this.shortAt[s] = t;
  }

  /**
   * History gave a request to slot `hist` (`histIsNew`: its first); the replay gave it to slot
   * `replayed` (-1: to no main context — blocked, or run in a subagent). Returns whether `replayed`
   * mirrors `hist` after this request: it does while both have had exactly the same requests.
   */
  follow(hist: number, histIsNew: boolean, replayed: number): boolean {
    const mirror = this.mirroredBy[hist];
    if (mirror >= 0 && mirror !== replayed) this.diverge(mirror);
    if (replayed < 0) return false;
    if (this.mirrorOf[replayed] === FRESH && histIsNew) {
      this.mirrorOf[replayed] = hist;
      this.mirroredBy[hist] = replayed;
    }
    if (this.mirrorOf[replayed] === hist) return true;
    this.diverge(replayed);
    return false;
  }

  /** The replayed slot no longer holds what history's did (its requests or prompts differ). */
  diverge(s: number): void {
    const hist = this.mirrorOf[s];
    if (hist >= 0) this.mirroredBy[hist] = -1;
    this.mirrorOf[s] = DIVERGED;
  }

  private grow(): void {
    this.shortLen = twice(this.shortLen);
    this.shortAt = twice(this.shortAt);
    this.longLen = twice(this.longLen);
    this.longAt = twice(this.longAt);
    this.mirrorOf = twice(this.mirrorOf);
    this.mirroredBy = twice(this.mirroredBy);
  }
}

/** A copy of `x` in an array twice as long. */
function twice<T extends Float64Array | Int32Array>(x: T): T {
  const y = new (x.constructor as new (n: number) => T)(x.length * 2);
  y.set(x);
  return y;
}
