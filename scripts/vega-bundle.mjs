// vega and vega-lite in one ES module (scripts/build-dist.mjs; test/report/vega-runtime.test.ts): Node
// then resolves, reads and compiles one file instead of ~285. The bundle also exports every copy of
// vega-scenegraph's text measurer, so the report's width table reaches each (src/report/vega-runtime.ts).
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `vendor`/vega.mjs and its manifest vega.json ({ vega, 'vega-lite' } versions), each renamed into
 * place so a command starting meanwhile sees whole files. `copies` are the vega-scenegraph files vega's
 * packages import (text-width.ts `scenegraphCopies`); a bundle holding another copy is refused.
 */
export async function bundleVega({ root, vendor, copies, versions }) {
  const { build } = await import('esbuild');
  fs.mkdirSync(vendor, { recursive: true });
  const contents = [
    "export * as vega from 'vega';",
    "export { compile } from 'vega-lite';",
    ...copies.map((file, i) => `import { textMetrics as m${i} } from ${JSON.stringify(file)};`),
    `export const textMetrics = [${copies.map((_, i) => `m${i}`).join(', ')}];`,
  ].join('\n');
  const tmp = `.tmp-${process.pid}`;
  const out = (name) => path.join(vendor, name);
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'vega-entry.mjs', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    outfile: out(`vega.mjs${tmp}`),
    banner: { js: `// vega ${versions.vega} and vega-lite ${versions['vega-lite']}, bundled by scripts/vega-bundle.mjs` },
    logLevel: 'warning',
  });
  // a copy the walk missed would measure text with vega's 0.8 em guess
  const held = Object.keys(result.metafile.inputs)
    .filter((f) => /(^|\/)vega-scenegraph\/build\//.test(f))
    .map((f) => path.resolve(root, f))
    .sort();
  if (JSON.stringify(held) !== JSON.stringify([...copies].sort())) {
    fs.rmSync(out(`vega.mjs${tmp}`), { force: true });
    throw new Error(`vega bundle: it holds vega-scenegraph ${held.join(', ')} but the width table patches ${copies.join(', ')}`);
  }
  fs.writeFileSync(out(`vega.json${tmp}`), JSON.stringify(versions) + '\n');
  fs.renameSync(out(`vega.mjs${tmp}`), out('vega.mjs')); // the bundle first: a new manifest never names an old bundle
  fs.renameSync(out(`vega.json${tmp}`), out('vega.json'));
}
