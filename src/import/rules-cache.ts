import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskRule } from '../classify/rules.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import { packageRoot } from '../paths.js';

/** The settings key of the parsed rules (queries/schema/006_create_settings.sql). */
const SETTING = 'task_rules_parsed';

/** The bundled rules (classify/rules.ts DEFAULT_RULES_FILE; not imported from there: that module loads yaml). */
const DEFAULT_RULES = path.join(packageRoot, 'rules', 'task-types.yaml');

/** The rules an import labels with, and what to remember of them when they were parsed in this run. */
export interface ImportRules {
  rules: TaskRule[];
  remember?: string; // the settings value to store (rememberRules), when parsed in this run
}

/**
 * The ledger's task-type rules (classify.ts ledgerRules) for an import, parsed once per rule text:
 * loading yaml and parsing the rules cost ~0.1 s of CPU, a tenth of a re-import of one new session.
 * Parsed rules are plain data, remembered in the ledger with a key of the rules' text and the code
 * that parses them (rulesKey); any other key, or a value that is not JSON, parses them again.
 */
export async function importRules(ledger: Ledger): Promise<ImportRules> {
  const settings = await ledger.all<{ key: string; value: string }>(sql('import/rule_settings'), { rules_key: 'task_rules', parsed_key: SETTING });
  const value = (key: string) => settings.find((s) => s.key === key)?.value;
  const text = value('task_rules') ?? fs.readFileSync(DEFAULT_RULES, 'utf8');
  const remembered = parsedRules(value(SETTING), rulesKey(text));
  if (remembered) return { rules: remembered };
  const set = await (await import('../classify/classify.js')).ledgerRules(ledger); // errors name the rules file
  return { rules: set.rules, remember: JSON.stringify({ key: rulesKey(set.text), rules: set.rules }) };
}

/** Inside the import's transaction: remembers rules parsed in this run. */
export async function rememberRules(ledger: Ledger, rules: ImportRules): Promise<void> {
  if (rules.remember) await ledger.run(sql('ledger/put_setting'), { key: SETTING, value: rules.remember });
}

/** The remembered rules when stored under `key`, else undefined. */
function parsedRules(value: string | undefined, key: string): TaskRule[] | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as { key?: unknown; rules?: unknown };
    return parsed.key === key && Array.isArray(parsed.rules) ? (parsed.rules as TaskRule[]) : undefined;
  } catch {
    return undefined; // not JSON: parsed again, and written again
  }
}

let code: string | undefined;

/**
 * What parsed rules depend on: their text, the code that parses them (classify/rules, conditions/parse
 * and types, config/yaml, as this process runs them) and the yaml package's version.
 */
export function rulesKey(text: string): string {
  code ??= parserCode();
  return createHash('sha256').update(code).update('\0').update(text).digest('hex').slice(0, 32);
}

function parserCode(): string {
  const here = fileURLToPath(import.meta.url);
  const src = path.join(path.dirname(here), '..');
  const hash = createHash('sha256');
  for (const name of ['classify/rules', 'conditions/parse', 'conditions/types', 'config/yaml']) {
    hash.update(fs.readFileSync(path.join(src, name + path.extname(here))));
  }
  const entry = createRequire(import.meta.url).resolve('yaml'); // <package>/dist/index.js
  hash.update(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json')));
  return hash.digest('hex');
}
