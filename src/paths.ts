import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the installed package (holds queries/ and samples/), whether run from src/ or dist/src/. */
export const packageRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (path.basename(dir) !== 'src') dir = path.dirname(dir);
  const parent = path.dirname(dir);
  return path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
})();

export const queriesDir = path.join(packageRoot, 'queries');

/** The formats' folders (src/importers/<dir>/), whose SQL and header files ship with the package. */
export const importersDir = path.join(packageRoot, 'src', 'importers');
