import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelIds } from '../pricing/model-ids.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';

/** The settings key of the remembered ids (queries/schema/006_create_settings.sql). */
const SETTING = 'model_ids';

/**
 * Canonical model ids an import asked for before, remembered in the ledger so that the next import
 * of the same models does not load the price catalog (a tenth of a second or more of every import
 * that reads something, for the two or three names a folder of transcripts holds). An id is a pure
 * function of the catalog's data and recount's naming rules: the ids are remembered with a key of
 * both (catalogKey), and any other key makes them forgotten. Names not remembered ask `inner`.
 */
export class RememberedModelIds extends ModelIds {
  readonly learned = new Map<string, string | null>(); // asked of the catalog in this run

  constructor(
    private readonly inner: ModelIds,
    readonly known: Map<string, string | null>, // remembered, and learned
  ) {
    super(new Map());
  }

  override canonical(raw: string | null | undefined): string | null {
    if (raw == null) return null;
    const hit = this.known.get(raw);
    if (hit !== undefined) return hit;
    const id = this.inner.canonical(raw);
    this.known.set(raw, id);
    this.learned.set(raw, id);
    return id;
  }

  override has(id: string): boolean {
    return this.inner.has(id);
  }
}

/** The ledger's remembered ids wrapped around `inner`, or none remembered when they came from another catalog. */
export async function rememberedModelIds(ledger: Ledger, inner: ModelIds): Promise<RememberedModelIds> {
  const stored = await ledger.all<{ value: string }>(sql('ledger/get_setting'), { key: SETTING });
  const known = new Map<string, string | null>();
  try {
    const value = stored.length ? (JSON.parse(stored[0].value) as { key?: unknown; ids?: Record<string, string | null> }) : undefined;
    if (value?.key === catalogKey() && value.ids) for (const [raw, id] of Object.entries(value.ids)) known.set(raw, id);
  } catch {
    // not JSON: forgotten, and written again
  }
  return new RememberedModelIds(inner, known);
}

/** Inside the import's transaction: remembers the ids the run asked the catalog for, with those known before. */
export async function rememberModelIds(ledger: Ledger, ids: ModelIds): Promise<void> {
  if (!(ids instanceof RememberedModelIds) || !ids.learned.size) return;
  const value = JSON.stringify({ key: catalogKey(), ids: Object.fromEntries(ids.known) });
  await ledger.run(sql('ledger/put_setting'), { key: SETTING, value });
}

let key: string | undefined;

/**
 * What canonical ids depend on: the pinned catalog's version and the code that makes ids of its names
 * (src/pricing/model-ids, catalog and providers, as this process runs them).
 */
export function catalogKey(): string {
  if (key) return key;
  const here = fileURLToPath(import.meta.url);
  const pricing = path.join(path.dirname(here), '..', 'pricing');
  const hash = createHash('sha256');
  for (const name of ['model-ids', 'catalog', 'providers']) hash.update(fs.readFileSync(path.join(pricing, name + path.extname(here))));
  const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices'); // <package>/dist/index.cjs
  hash.update(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json')));
  key = hash.digest('hex').slice(0, 16);
  return key;
}
