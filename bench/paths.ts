import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url)); // <root>/dist/bench when compiled

/** The package root (holds bin/, queries/ and bench/), from dist/bench/ or bench/. */
export const packageRoot = (() => {
  const up = path.dirname(here);
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
})();

/** The CommonJS preload that reports a Node process's peak RSS. tsc does not copy .cjs files, so use the source. */
export const maxRssPreload = path.join(packageRoot, 'bench', 'maxrss.cjs');

/** recount's CLI launcher (it runs dist/src). */
export const recountBin = path.join(packageRoot, 'bin', 'recount.js');

/** A sibling script compiled next to this module, e.g. `benchScript('raw-read-csv')`. */
export const benchScript = (name: string) => path.join(here, `${name}.js`);
