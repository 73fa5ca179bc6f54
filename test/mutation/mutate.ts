// The generator: damaged copies of every bundled sample (samples/**, every format), one folder per
// case, and a manifest the runner reads. Deterministic: the same samples give the same bytes.
//   node mutate.js OUT_DIR      (scripts/mutation-run.sh compiles and runs it)
import fs from 'node:fs';
import path from 'node:path';
import { expectationFor, MUTATIONS, PAIR_MUTATIONS, type Expectation } from './mutations.js';
import { kindOf, seededRng, type Kind, type Sample } from './sample-text.js';

/** Every generated file gets this modification time: a row that falls back to it stays in range. */
export const FILE_MTIME = new Date('2026-10-31T00:00:00Z');

export interface Case {
  id: string;
  sample: string; // path under samples/
  kind: Kind;
  mutation: string;
  expect?: Expectation;
  damaged: string; // the damaged file, relative to the output folder
  inputs: string[]; // what `recount import` is given, relative to the output folder
  mapping?: string; // --mapping, relative to the output folder
  line?: number;
  secrets: string[];
  pair: boolean; // imported next to a clean copy of its sample
  good?: string; // that clean copy
}

/** The data files of samples/ (policies are not usage; a mapping file goes with its CSV). */
export function listSamples(samplesDir: string): Sample[] {
  const out: Sample[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      const rel = path.relative(samplesDir, p).split(path.sep).join('/');
      const kind = kindOf(rel);
      if (e.isDirectory()) walk(p);
      else if (kind && !rel.startsWith('policies/')) out.push({ rel, kind, bytes: fs.readFileSync(p) });
    }
  };
  walk(samplesDir);
  return out;
}

/** The mapping file that goes with a sample, if it is read through one. */
function mappingOf(samplesDir: string, rel: string): string | undefined {
  if (!/\.(csv|jsonl)$/.test(rel)) return undefined;
  const m = path.join(samplesDir, rel.replace(/\.(csv|jsonl)$/, '.mapping.yaml'));
  return fs.existsSync(m) ? m : undefined;
}

function writeFile(file: string, bytes: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, FILE_MTIME, FILE_MTIME);
}

export interface GenerateOptions {
  /** Which cases to write (`pair`: the one imported next to a clean copy); default all. */
  only?: (sample: string, mutation: string, pair: boolean) => boolean;
}

/** Writes the cases under `outDir` and returns them (also written to `outDir/manifest.json`). */
export function generate(samplesDir: string, outDir: string, opts: GenerateOptions = {}): Case[] {
  const cases: Case[] = [];
  for (const sample of listSamples(samplesDir)) {
    const slug = sample.rel.replace(/[^A-Za-z0-9]+/g, '-');
    const mapping = mappingOf(samplesDir, sample.rel);
    for (const m of MUTATIONS) {
      const wanted = [false, true].filter((pair) => (!pair || PAIR_MUTATIONS.includes(m.name)) && (!opts.only || opts.only(sample.rel, m.name, pair)));
      if (!m.kinds.includes(sample.kind) || !wanted.length) continue;
      const damaged = m.apply(sample, seededRng(`${sample.rel}|${m.name}`));
      if (!damaged) continue;
      for (const pair of wanted) {
        const id = `${slug}--${m.name}${pair ? '--pair' : ''}`;
        const dir = path.join(pair ? 'pairs' : 'cases', id);
        const file = path.join(dir, pair ? 'damaged' : '', sample.rel + (damaged.suffix ?? ''));
        writeFile(path.join(outDir, file), damaged.bytes);
        const c: Case = { id, sample: sample.rel, kind: sample.kind, mutation: m.name, expect: expectationFor(m, sample), damaged: file, inputs: [pair ? dir : file], line: damaged.line, secrets: damaged.secrets ?? [], pair };
        if (pair) {
          c.good = path.join(dir, 'good', sample.rel);
          writeFile(path.join(outDir, c.good), sample.bytes);
        }
        if (mapping) {
          c.mapping = path.join(dir, path.basename(mapping));
          writeFile(path.join(outDir, c.mapping), fs.readFileSync(mapping));
        }
        cases.push(c);
      }
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(cases, null, 1));
  return cases;
}

const invokedAs = process.argv[1] ?? '';
if (/mutate\.js$/.test(invokedAs)) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node mutate.js OUT_DIR [SAMPLES_DIR]\n');
    process.exit(2);
  }
  const cases = generate(process.argv[3] ?? path.resolve('samples'), path.resolve(out));
  process.stdout.write(`${cases.length} cases (${cases.filter((c) => c.pair).length} pairs) in ${out}\n`);
}
