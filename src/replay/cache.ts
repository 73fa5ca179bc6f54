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

// one slot's fields side by side (one 64-byte line per slot: a request touches one line, not six)
const SHORT_LEN = 0;
const SHORT_AT = 1;
const LONG_LEN = 2;
const LONG_AT = 3;
const MIRROR_OF = 4; // the history slot a replayed slot mirrors; FRESH, or DIVERGED
const MIRRORED_BY = 5; // the replayed slot that mirrors a history slot, or -1
const STRIDE = 8;

export class CacheSlots {
  private readonly dense: Int32Array | null;
  private readonly sparse = new Map<number, number>();
  private used = 0;
  private s: Float64Array;

  /**
   * `keys`: how many slot keys there can be (a dense index while that is small, else a map);
   * `expected`: how many slots to make room for up front (the array doubles beyond that).
   */
  constructor(keys: number, private readonly shortTtl: number, expected = 1024) {
    this.dense = keys <= 1 << 23 ? new Int32Array(keys).fill(-1) : null;
    const n = Math.max(1024, Math.min(expected, 1 << 24));
    this.s = new Float64Array(n * STRIDE);
  }

  /** The slot of `key`, created empty when `create` (else -1 when it has none). */
  slot(key: number, create: boolean): number {
    const found = this.dense ? this.dense[key] : (this.sparse.get(key) ?? -1);
    if (found >= 0 || !create) return found;
    const slot = this.used++;
    if (slot * STRIDE >= this.s.length) this.grow();
    if (this.dense) this.dense[key] = slot;
    else this.sparse.set(key, slot);
    const at = slot * STRIDE;
    const s = this.s;
    s[at + SHORT_LEN] = 0;
    s[at + SHORT_AT] = -Infinity;
    s[at + LONG_LEN] = 0;
    s[at + LONG_AT] = -Infinity;
    s[at + MIRROR_OF] = FRESH;
    s[at + MIRRORED_BY] = -1;
    return slot;
  }

  /** Tokens of the prompt's start a request at `t` can read from the slot (0 for no slot). */
  warm(slot: number, t: number): number {
    if (slot < 0) return 0;
    const s = this.s;
    const at = slot * STRIDE;
    const short = t - s[at + SHORT_AT] <= this.shortTtl ? s[at + SHORT_LEN] : 0;
    const long = t - s[at + LONG_AT] <= LONG_TTL_SECONDS ? s[at + LONG_LEN] : 0;
    return Math.max(short, long);
  }

  /**
   * A request at `t` read `r` tokens and wrote `w5` (short TTL) and `w1h` (1 h) after them. 1 h
   * breakpoints come before 5-minute ones, so the long layer ends after the 1 h writes; a read that
   * covers the long layer refreshes it. A request that cached nothing leaves the slot as it was.
   */
  touch(slot: number, t: number, r: number, w5: number, w1h: number): void {
    const cached = r + w5 + w1h;
    if (cached <= 0) return;
    const s = this.s;
    const at = slot * STRIDE;
    if (w1h > 0) {
      s[at + LONG_LEN] = r + w1h;
      s[at + LONG_AT] = t;
    } else if (s[at + LONG_LEN] > 0 && t - s[at + LONG_AT] <= LONG_TTL_SECONDS && r >= s[at + LONG_LEN]) {
      s[at + LONG_AT] = t;
    }
    // a shorter prompt than before (a reset or a break) no longer contains the rest of the old prefix
    s[at + LONG_LEN] = Math.min(s[at + LONG_LEN], cached);
    s[at + SHORT_LEN] = cached;
    s[at + SHORT_AT] = t;
  }

  /**
   * History gave a request to slot `hist` (`histIsNew`: its first); the replay gave it to slot
   * `replayed` (-1: to no main context — blocked, or run in a subagent). Returns whether `replayed`
   * mirrors `hist` after this request: it does while both have had exactly the same requests.
   */
  follow(hist: number, histIsNew: boolean, replayed: number): boolean {
    const s = this.s;
    const mirror = s[hist * STRIDE + MIRRORED_BY];
    if (mirror >= 0 && mirror !== replayed) this.diverge(mirror);
    if (replayed < 0) return false;
    const of = replayed * STRIDE + MIRROR_OF;
    if (s[of] === FRESH && histIsNew) {
      s[of] = hist;
      s[hist * STRIDE + MIRRORED_BY] = replayed;
    }
    if (s[of] === hist) return true;
    this.diverge(replayed);
    return false;
  }

  /** The replayed slot no longer holds what history's did (its requests or prompts differ). */
  diverge(slot: number): void {
    const s = this.s;
    const hist = s[slot * STRIDE + MIRROR_OF];
    if (hist >= 0) s[hist * STRIDE + MIRRORED_BY] = -1;
    s[slot * STRIDE + MIRROR_OF] = DIVERGED;
  }

  private grow(): void {
    const s = new Float64Array(this.s.length * 2);
    s.set(this.s);
    this.s = s;
  }
}
