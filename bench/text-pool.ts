import { BASE62, Rng } from './random.js';

const WORDS = ('the a to of and in for with this that it we should check first then update file test function module service ' +
  'error config handler request response schema type value return import export const async await build run cache token ' +
  'parse invoice session user key limit route query index migration column table retry timeout because when before after ' +
  'failing passes null undefined string number boolean promise stream buffer json csv header row field locale currency ' +
  'amount total tax discount customer account webhook queue worker job cron deploy staging production rollback flag ' +
  'feature branch commit review lint format coverage snapshot fixture mock stub spy assert expect describe it').split(' ');
const IDENTS = ['parseInvoice', 'rateLimiter', 'retryWithBackoff', 'loadConfig', 'handleRequest', 'BillingService', 'toCents',
  'formatAmount', 'createSession', 'validateSchema', 'useAuth', 'fetchJson', 'writeLedger', 'normalizeRow', 'QueueWorker'];
const DIRS = ['src', 'src/billing', 'src/routes', 'src/lib', 'src/jobs', 'test', 'test/fixtures', 'packages/core/src', 'app/components'];
const EXTS = ['ts', 'tsx', 'py', 'go', 'json', 'md', 'sql'];

/**
 * Filler text for transcripts, drawn as slices of pools built once from the seed: prose (prompts,
 * thinking, replies), code (file contents, diffs, command output) and base64 (thinking signatures).
 * A slice at a random offset is as good as fresh text for a reader and costs O(1) random draws, so
 * hundreds of megabytes generate in seconds; prompts are slices too, and distinct in practice.
 */
export class TextPool {
  private readonly proseText: string;
  private readonly codeText: string;
  private readonly base64Text: string;

  constructor(private readonly rng: Rng) {
    this.proseText = buildProse(rng, 1 << 20);
    this.codeText = buildCode(rng, 1 << 20);
    this.base64Text = rng.chars(BASE62 + '+/', 1 << 16);
  }

  /** Sentences of about `min`–`max` characters, starting at a word. */
  prose(min: number, max: number): string {
    return slice(this.rng, this.proseText, this.rng.int(min, max), ' ');
  }

  /** Source-like lines of about `min`–`max` characters, starting at a line. */
  code(min: number, max: number): string {
    return slice(this.rng, this.codeText, this.rng.int(min, max), '\n');
  }

  /** `n` base64-ish characters (a thinking block's signature). */
  base64(n: number): string {
    return slice(this.rng, this.base64Text, Math.min(n, this.base64Text.length - 1), '');
  }

  /** A plausible path in the project, e.g. /home/dev/acme-api/src/billing/parseInvoice.ts. */
  path(cwd: string): string {
    const { rng } = this;
    return `${cwd}/${rng.pick(DIRS)}/${rng.pick(IDENTS)}${rng.chance(0.3) ? '.test' : ''}.${rng.pick(EXTS)}`;
  }

  word(): string {
    return this.rng.pick(WORDS);
  }

  ident(): string {
    return this.rng.pick(IDENTS);
  }
}

/** `length` characters of `text` from a random offset, moved to just after the next `boundary`. */
function slice(rng: Rng, text: string, length: number, boundary: string): string {
  let start = rng.int(0, text.length - length - 1);
  if (boundary) {
    const next = text.indexOf(boundary, start);
    if (next >= 0 && next + length < text.length) start = next + 1;
  }
  return text.slice(start, start + length);
}

function buildProse(rng: Rng, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const words: string[] = [];
    for (let i = rng.int(6, 22); i > 0; i--) words.push(rng.chance(0.08) ? `\`${rng.pick(IDENTS)}\`` : rng.pick(WORDS));
    const sentence = words.join(' ') + (rng.chance(0.15) ? '?\n\n' : rng.chance(0.1) ? '.\n- ' : '. ');
    parts.push(sentence[0].toUpperCase() + sentence.slice(1));
    n += sentence.length;
  }
  return parts.join('');
}

function buildCode(rng: Rng, chars: number): string {
  const parts: string[] = [];
  let n = 0;
  for (let line = 1; n < chars; line++) {
    const indent = '  '.repeat(rng.int(0, 3));
    const body = rng.chance(0.2)
      ? `// ${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`
      : rng.chance(0.5)
        ? `const ${rng.pick(WORDS)}${rng.int(1, 9)} = await ${rng.pick(IDENTS)}(${rng.pick(WORDS)}, { ${rng.pick(WORDS)}: "${rng.pick(WORDS)}" });`
        : `if (${rng.pick(WORDS)} === null) throw new Error("${rng.pick(WORDS)} ${rng.pick(WORDS)}\\t${rng.pick(WORDS)}");`;
    const text = `${indent}${body}\n`;
    parts.push(text);
    n += text.length;
  }
  return parts.join('');
}
