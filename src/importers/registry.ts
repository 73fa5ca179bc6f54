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
import { openrouterGenerations } from './openrouter-generations.js';
import { openrouterGenerationsJson } from './openrouter-generations-json.js';
import { openrouterActivityCsv } from './openrouter-activity-csv.js';
import { litellmSpendlogsCsv } from './litellm-spendlogs-csv.js';
import { litellmSpendlogsJsonl } from './litellm-spendlogs-jsonl.js';
import { litellmSpendlogsJson } from './litellm-spendlogs-json.js';
import { codex } from './codex.js';
import { geminiCli } from './gemini-cli.js';
import { qwenCode } from './qwen-code.js';
import { kimiCli } from './kimi-cli.js';
import { amp } from './amp.js';
import { bedrockInvocationLogs } from './bedrock-invocation-logs.js';
import { geminiResponses } from './gemini-responses.js';
import { heliconeJsonl } from './helicone-jsonl.js';
import { heliconeCsv } from './helicone-csv.js';
import { portkeyJsonl } from './portkey-jsonl.js';
import { langfuseObservations } from './langfuse-observations.js';
import { otlpJson } from './otlp-json.js';
import { clineTasks } from './cline-tasks.js';
import { opencode, opencodeDb } from './opencode.js';
import { copilotOtel, copilotSessionStore } from './copilot-cli.js';
import { HEAD_SIZES, readHead } from './file-head.js';
import type { Importer } from './types.js';

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
