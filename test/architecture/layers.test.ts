import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFile, type Importer } from '../../src/importers/format.js';
import { importers } from '../../src/importers/registry.js';

// The layers the folder tree shows (docs/architecture.md): src/db imports nothing above it; a format
// folder imports only the shared format code (format.ts, common/), never a sibling format nor the
// import pipeline that runs it.
const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Each file's relative imports, as paths under src/ without extension. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.relative(SRC, path.resolve(path.dirname(file), m[1])).replace(/\.js$/, ''),
  );
}

function violations(folder: string, allowed: (target: string, file: string) => boolean): string[] {
  return sourceFiles(path.join(SRC, folder)).flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed(target, path.relative(SRC, file)))
      .map((target) => `${path.relative(SRC, file)} → ${target}`),
  );
}

const BASICS = new Set(['errors', 'paths', 'period']);
const under = (target: string, ...folders: string[]) => folders.some((f) => target.startsWith(`${f}/`));

describe('layers', () => {
  it('src/db imports nothing above it', () => {
    expect(violations('db', (t) => under(t, 'db') || BASICS.has(t))).toEqual([]);
  });

  it('pricing and classify sit on src/db, below the import pipeline', () => {
    const allowed = (t: string) => under(t, 'db', 'pricing', 'classify', 'conditions', 'config') || BASICS.has(t);
    expect([...violations('pricing', allowed), ...violations('classify', allowed)]).toEqual([]);
  });

  it('a format folder imports only shared format code, never a sibling format or the pipeline', () => {
    const allowed = (t: string, file: string) => {
      const own = file.split('/').slice(0, 2).join('/'); // importers/<dir>
      return t.startsWith(`${own}/`) || under(t, 'importers/common', 'db', 'config') || t === 'importers/format' || t === 'classify/compile' || BASICS.has(t);
    };
    const formats = fs.readdirSync(path.join(SRC, 'importers'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'common');
    expect(formats.flatMap((f) => violations(`importers/${f.name}`, allowed))).toEqual([]);
    expect(violations('importers/common', (t) => under(t, 'importers/common') || t === 'importers/format' || BASICS.has(t))).toEqual([]);
  });
});

/** The files a format names: its statements, header and macros. */
function namedFiles(importer: Importer): string[] {
  const { read } = importer;
  const sqls = read.kind === 'mapping' ? [] : [read.stage, read.reader].filter((s): s is string => !!s);
  const direct = importer.direct ? [importer.direct.query, importer.direct.staged].filter((s): s is string => !!s) : [];
  const macros = (importer.macros ?? []).map((m) => `macros/${m}`);
  const header = read.kind !== 'mapping' && read.header ? [formatFile(importer, read.header)] : [];
  return [...[...sqls, ...direct, ...macros].map((s) => formatFile(importer, `${s}.sql`)), ...header];
}

describe('one folder per format', () => {
  it("every file a format names is in its folder (or common/), and every SQL file there is named by one", () => {
    const named = new Set(importers.flatMap(namedFiles));
    for (const file of named) expect(fs.existsSync(file), file).toBe(true);
    const onDisk = fs
      .readdirSync(path.join(SRC, 'importers'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(sql|csv|jsonl)$/.test(f))
      .map((f) => path.join(SRC, 'importers', f));
    expect(onDisk.length).toBeGreaterThan(60);
    expect(onDisk.filter((f) => !named.has(f))).toEqual([]);
  });

  it("every format's folder is its own: dir matches where its definition lives", () => {
    for (const importer of importers) expect(fs.existsSync(path.join(SRC, 'importers', importer.dir, 'index.ts')), importer.id).toBe(true);
  });
});
