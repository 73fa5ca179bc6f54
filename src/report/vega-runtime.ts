import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Vega from 'vega';
import type { compile as Compile } from 'vega-lite';
import { measureItem, scenegraphCopies, type VegaTextMetrics } from './text-width.js';

const require = createRequire(import.meta.url);

/** What the charts use of vega and vega-lite, and every copy of vega-scenegraph's text measurer they load. */
export interface VegaRuntime {
  vega: typeof Vega;
  compile: typeof Compile;
  textMetrics: VegaTextMetrics[];
  bundled: boolean;
}

/** The build's bundle (dist/vendor, scripts/build-dist.mjs): what it was made from. */
interface BundleManifest {
  vega: string;
  'vega-lite': string;
}

const BUNDLE = '../../vendor/vega.mjs';
const MANIFEST = '../../vendor/vega.json';

let loading: Promise<VegaRuntime> | null = null;

/**
 * Vega and vega-lite with the report font's width table installed, loaded once per process. Loading is
 * most of a small report's chart time (~285 ES modules), so `report` starts it before its queries and
 * the main thread, idle while DuckDB works, reads them meanwhile.
 */
export function loadVega(): Promise<VegaRuntime> {
  loading ??= (bundleIsCurrent() ? importBundle() : importPackages()).then(installMetrics);
  return loading;
}

/** Starts loading without waiting; a failure surfaces when the charts await it. */
export function preloadVega(): void {
  loadVega().catch(() => undefined);
}

/**
 * The one-file bundle, when it was made from the installed vega and vega-lite: Node resolves, reads and
 * compiles one file instead of ~285 (~0.25 CPU-s less). Else (a plain `tsc`, tests from src/, another
 * version) the packages. RECOUNT_VEGA_BUNDLE=off forces the packages.
 */
export function bundleIsCurrent(): boolean {
  if (process.env.RECOUNT_VEGA_BUNDLE === 'off') return false;
  try {
    const built = require(MANIFEST) as BundleManifest;
    return built.vega === installedVersion('vega') && built['vega-lite'] === installedVersion('vega-lite');
  } catch {
    return false; // no bundle here
  }
}

/** The installed version of a package that does not export its package.json (vega, vega-lite). */
export function installedVersion(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === name) return pkg.version;
  }
  throw new Error(`no package.json found for ${name}`);
}

async function importBundle(): Promise<VegaRuntime> {
  const mod = (await import(new URL(BUNDLE, import.meta.url).href)) as Omit<VegaRuntime, 'bundled'>;
  return { vega: mod.vega, compile: mod.compile, textMetrics: mod.textMetrics, bundled: true };
}

/** The packages themselves, and each copy of vega-scenegraph that vega's packages resolve (text-width.ts). */
export async function importPackages(): Promise<VegaRuntime> {
  const [vega, vegaLite, ...copies] = await Promise.all([
    import('vega'),
    import('vega-lite'),
    ...scenegraphCopies().map((file) => import(pathToFileURL(file).href) as Promise<{ textMetrics?: VegaTextMetrics }>),
  ]);
  const textMetrics = copies.flatMap((c) => (c.textMetrics ? [c.textMetrics] : []));
  return { vega, compile: vegaLite.compile, textMetrics, bundled: false };
}

/**
 * Points vega's text measurement at the table, in every copy of vega-scenegraph. Vega measures through
 * `textMetrics.width` for layout (axis and legend extents) and for cutting labels past their `limit`;
 * without a canvas it would guess 0.8 em per character, pad axes for text that is not there and cut
 * long model names short.
 */
export function installMetrics(runtime: VegaRuntime): VegaRuntime {
  for (const metrics of runtime.textMetrics) metrics.width = measureItem;
  return runtime;
}
