import { RecountError } from '../errors.js';
import { anthropicCostApi } from './anthropic-cost-api.js';
import { anthropicCostCsv } from './anthropic-cost-csv.js';
import { anthropicUsageApi } from './anthropic-usage-api.js';
import { anthropicUsageCsv } from './anthropic-usage-csv.js';
import { claudeCode } from './claude-code.js';
import { openaiCostCsv } from './openai-cost-csv.js';
import { openaiCostsApi } from './openai-costs-api.js';
import { openaiUsageApi } from './openai-usage-api.js';
import { openaiUsageCsv } from './openai-usage-csv.js';
import { HEAD_SIZES, readHead } from './file-head.js';
import type { Importer } from './types.js';

/** Every importer, in detection order (most specific first). */
export const importers: readonly Importer[] = [
  claudeCode,
  openaiUsageApi,
  openaiCostsApi,
  openaiUsageCsv,
  openaiCostCsv,
  anthropicUsageApi,
  anthropicCostApi,
  anthropicUsageCsv,
  anthropicCostCsv,
];

export function importerById(id: string): Importer {
  const found = importers.find((i) => i.id === id);
  if (!found) throw new RecountError(`unknown format '${id}'`, `formats: ${importers.map((i) => i.id).join(', ')} (see recount sources)`);
  return found;
}

/** The importer whose detector recognizes the file's content, or undefined. */
export function detectImporter(filePath: string): Importer | undefined {
  for (const bytes of HEAD_SIZES) {
    const head = readHead(filePath, bytes);
    const found = importers.find((i) => i.detect(head));
    if (found || head.text.length < bytes / 2) return found; // the whole file was read
  }
  return undefined;
}
