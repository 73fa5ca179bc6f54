import fs from 'node:fs';
import path from 'node:path';

/**
 * The models behind Kimi Code's model aliases, for a wire log whose usage.record names an alias its own
 * file never maps (kimi-cli/read.sql): a subagent inherits the main agent's alias (Kimi Code's
 * docs/en/configuration/config-files.md, `secondary_model`) and its log may hold no llm.request of its
 * own. Kimi Code logs `llm.request {model, modelAlias}` per request (agent-core's
 * llm-request-recorder.ts) and keeps the aliases in config.toml's `[models."<alias>"]` tables
 * (`model = "…"`; config/schema.ts ModelAliasSchema). Taken first from the other agents' logs of the
 * same session (the alias's latest request), else from config.toml beside sessions/.
 */
export function kimiModelAliases(wireFile: string | undefined): Record<string, string> {
  const session = wireFile ? sessionOf(wireFile) : undefined;
  if (!wireFile || !session) return {};
  const fromConfig = configAliases(path.join(session.home, 'config.toml'));
  const latest = new Map<string, { model: string; time: number }>();
  for (const file of agentLogs(session.dir)) {
    if (path.resolve(file) === path.resolve(wireFile)) continue; // its own requests: read.sql maps them
    for (const [alias, seen] of requestAliases(file)) {
      if (!latest.has(alias) || seen.time >= latest.get(alias)!.time) latest.set(alias, seen);
    }
  }
  return { ...fromConfig, ...Object.fromEntries([...latest].map(([alias, { model }]) => [alias, model])) };
}

/** Kimi Code's layout: <home>/sessions/<workspace>/<session>/agents/<agent>/wire.jsonl. */
function sessionOf(wireFile: string): { dir: string; home: string } | undefined {
  const parts = path.resolve(wireFile).split(path.sep);
  const n = parts.length;
  if (n < 7 || parts[n - 3] !== 'agents' || parts[n - 6] !== 'sessions') return undefined;
  return { dir: parts.slice(0, n - 3).join(path.sep) || path.sep, home: parts.slice(0, n - 6).join(path.sep) || path.sep };
}

/** Every agent's wire log of a session folder. */
function agentLogs(sessionDir: string): string[] {
  const agents = path.join(sessionDir, 'agents');
  let names: string[];
  try {
    names = fs.readdirSync(agents);
  } catch {
    return [];
  }
  return names
    .sort()
    .map((name) => path.join(agents, name, 'wire.jsonl'))
    .filter((f) => fs.existsSync(f));
}

type Seen = { model: string; time: number };
// a session's logs are read once per run for each of its agents: remembered by size and time
const scanned = new Map<string, { size: number; mtimeMs: number; aliases: Map<string, Seen> }>();

/** The alias → model pairs a log's llm.request records name, each with its latest time. */
function requestAliases(file: string): Map<string, Seen> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return new Map(); // gone: its own import names it
  }
  const known = scanned.get(file);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.aliases;
  const aliases = new Map<string, Seen>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"llm.request"') || !line.includes('"modelAlias"')) continue;
    const rec = parseRecord(line);
    if (rec?.type !== 'llm.request' || typeof rec.modelAlias !== 'string' || typeof rec.model !== 'string' || !rec.model) continue;
    const time = typeof rec.time === 'number' ? rec.time : 0;
    const before = aliases.get(rec.modelAlias);
    if (!before || time >= before.time) aliases.set(rec.modelAlias, { model: rec.model, time });
  }
  scanned.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, aliases });
  return aliases;
}

/** One record, or undefined for a line that is not one (its own import rejects it). */
function parseRecord(line: string): Record<string, unknown> | undefined {
  try {
    const rec: unknown = JSON.parse(line);
    return rec && typeof rec === 'object' ? (rec as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The alias a subagent binds when `[secondary_model]` patches the entry it points at (config/secondary-model.ts). */
const SECONDARY_ALIAS = '__secondary__';

/**
 * `[models."<alias>"]` (or a bare key) tables' `model = "…"` in config.toml, and `[secondary_model]`'s
 * derived alias as the entry its `model` points at; {} without a config.
 */
export function configAliases(configFile: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(configFile, 'utf8');
  } catch {
    return {};
  }
  const aliases: Record<string, string> = {};
  let table: string | undefined; // the alias, or SECONDARY_ALIAS inside [secondary_model]
  let secondary: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]*?)\s*\]\s*(#.*)?$/.exec(line);
    if (header) {
      const key = /^models\s*\.\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))$/.exec(header[1]);
      table = key ? (key[1] ?? key[2] ?? key[3]) : header[1] === 'secondary_model' ? SECONDARY_ALIAS : undefined;
      continue;
    }
    const model = table === undefined ? null : /^\s*model\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/.exec(line);
    if (table === SECONDARY_ALIAS && model) secondary = model[1] ?? model[2];
    else if (table !== undefined && model) aliases[table] = model[1] ?? model[2];
  }
  if (secondary !== undefined && aliases[secondary] !== undefined) aliases[SECONDARY_ALIAS] = aliases[secondary];
  return aliases;
}
