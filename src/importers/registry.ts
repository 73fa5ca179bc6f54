import { RecountError } from '../errors.js';
import { anthropicCostApi } from './anthropic-cost-api/index.js';
import { anthropicCostCsv } from './anthropic-cost-csv/index.js';
import { anthropicUsageApi } from './anthropic-usage-api/index.js';
import { anthropicUsageCsv } from './anthropic-usage-csv/index.js';
import { claudeCode } from './claude-code/index.js';
import { openaiCostCsv } from './openai-cost-csv/index.js';
import { openaiCostsApi } from './openai-costs-api/index.js';
import { openaiUsageApi } from './openai-usage-api/index.js';
import { openaiUsageCsv } from './openai-usage-csv/index.js';
import { openrouterActivityCsv, openrouterGenerations, openrouterGenerationsJson } from './openrouter/index.js';
import { litellmSpendlogsCsv, litellmSpendlogsJson, litellmSpendlogsJsonl } from './litellm/index.js';
import { codex } from './codex/index.js';
import { geminiCli } from './gemini-cli/index.js';
import { qwenCode } from './qwen-code/index.js';
import { kimiCli } from './kimi-cli/index.js';
import { amp } from './amp/index.js';
import { bedrockInvocationLogs } from './bedrock/index.js';
import { geminiResponses } from './gemini-responses/index.js';
import { heliconeCsv, heliconeJsonl } from './helicone/index.js';
import { portkeyJsonl } from './portkey/index.js';
import { langfuseObservations } from './langfuse/index.js';
import { otlpJson } from './otlp/index.js';
import { clineSessions, clineTasks } from './cline-tasks/index.js';
import { opencode, opencodeDb } from './opencode/index.js';
import { copilotOtel, copilotSessionStore } from './copilot-cli/index.js';
import { HEAD_SIZES, readHead } from './common/file-head.js';
import type { Importer } from './format.js';

/** Every importer, in detection order (most specific first). */
export const importers: readonly Importer[] = [
  geminiCli, // before claude-code: a legacy recording's pretty-printed keys look like a transcript's first line
  qwenCode, // before claude-code: its records carry parentUuid and sessionId too
  claudeCode,
  openaiUsageApi,
  openaiCostsApi,
  openaiUsageCsv,
  openaiCostCsv,
  anthropicUsageApi,
  anthropicCostApi,
  anthropicUsageCsv,
  anthropicCostCsv,
  openrouterGenerations,
  openrouterGenerationsJson,
  openrouterActivityCsv,
  litellmSpendlogsCsv,
  litellmSpendlogsJsonl,
  litellmSpendlogsJson,
  codex,
  bedrockInvocationLogs,
  heliconeJsonl,
  heliconeCsv,
  portkeyJsonl,
  langfuseObservations,
  otlpJson,
  clineTasks,
  clineSessions,
  opencode,
  opencodeDb,
  copilotOtel,
  copilotSessionStore,
  kimiCli,
  amp,
  // last: gateway logs can carry a Gemini response inside their own records
  geminiResponses,
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
