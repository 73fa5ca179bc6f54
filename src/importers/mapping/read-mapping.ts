import { isMap } from 'yaml';
import { configError, readConfig } from '../../config/yaml.js';

/** Ledger fields a mapping may fill from a source column (CSV header) or JSON path (JSONL, dotted). */
export const MAPPABLE_FIELDS = [
  'model', 'input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens',
  'reasoning_tokens', 'requests', 'billed_cost_usd', 'session_id', 'project', 'api_key', 'user_id', 'workspace',
  'service_tier', 'status', 'latency_ms', 'provider',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

export const TOKEN_FIELDS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'reasoning_tokens', 'requests'] as const;

/**
 * A mapping file: how to read "any other CSV or JSONL" into the ledger.
 *
 *   version: 1
 *   name: acme-gateway                # the rows' source is mapping:acme-gateway
 *   format: csv                       # or jsonl
 *   provider: openai                  # who bills it (or columns.provider)
 *   role: requests                    # or aggregate
 *   timestamp: { column: created, format: iso, zone: UTC }   # iso | unix | unix_ms | a strptime pattern
 *   identity: [request_id]            # what makes a row unique (default: every mapped column)
 *   units: { cost: dollars, latency: ms }                    # cost: dollars | cents; latency: ms | s
 *   input_includes_cache: false       # true when the input count includes cache reads and writes
 *   columns: { model: model, input_tokens: prompt_tokens, output_tokens: completion_tokens, … }
 *   tags: [feature, customer]         # columns copied into tags
 */
export interface Mapping {
  file: string;
  name: string;
  format: 'csv' | 'jsonl';
  provider: string | null;
  role: 'requests' | 'aggregate';
  timestamp: { column: string; format: string; zone: string };
  identity: string[];
  units: { cost: 'dollars' | 'cents'; latency: 'ms' | 's' };
  inputIncludesCache: boolean;
  columns: Partial<Record<MappableField, string>>;
  tags: string[];
}

const TOP_LEVEL = ['version', 'name', 'format', 'provider', 'role', 'timestamp', 'identity', 'units', 'input_includes_cache', 'columns', 'tags'];

export function readMapping(file: string): Mapping {
  // YAML is a superset of JSON: both read here
  const doc = readConfig(file, { what: 'mapping file', flag: '--mapping' }, 'fix the mapping syntax (YAML or JSON)');
  if (!isMap(doc.root)) doc.fail(doc.root, 'a mapping is an object with name, format, timestamp and columns', 'see README: Any other CSV or JSONL');
  const raw = doc.doc.toJSON() as Record<string, unknown>;
  const fail = (field: string, message: string, hint: string): never => {
    throw configError(file, doc.lineOfKey(field), `${field}: ${message}`, hint);
  };

  for (const key of Object.keys(raw)) if (!TOP_LEVEL.includes(key)) fail(key, 'unknown field', `fields: ${TOP_LEVEL.join(', ')}`);
  if (raw.version !== undefined && raw.version !== 1) fail('version', `version ${String(raw.version)} is not supported`, 'this recount reads version: 1');
  const name = raw.name;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) fail('name', 'is required: letters, digits, . _ -', 'e.g. name: acme-gateway');
  if (raw.format !== 'csv' && raw.format !== 'jsonl') fail('format', `'${String(raw.format)}' is not csv or jsonl`, 'format: csv or format: jsonl');
  const role = raw.role ?? 'requests';
  if (role !== 'requests' && role !== 'aggregate') fail('role', `'${String(role)}' is not requests or aggregate`, 'per-request logs are requests; daily or hourly totals are aggregate');

  const ts = raw.timestamp as Record<string, unknown> | undefined;
  if (!ts || typeof ts !== 'object' || typeof ts.column !== 'string') fail('timestamp', 'needs a column', 'timestamp: { column: created_at, format: iso, zone: UTC }');
  const tsFormat = String(ts!.format ?? 'iso');
  const zone = String(ts!.zone ?? 'UTC');
  if (!isZone(zone)) fail('timestamp', `unknown time zone '${zone}'`, 'an IANA zone such as UTC or Europe/Berlin');
  if (!['iso', 'unix', 'unix_ms'].includes(tsFormat) && !tsFormat.includes('%')) fail('timestamp', `format '${tsFormat}' is not iso, unix, unix_ms or a strptime pattern`, "e.g. format: '%d/%m/%Y %H:%M'");

  const columns = (raw.columns ?? {}) as Record<string, unknown>;
  if (typeof columns !== 'object' || Array.isArray(columns)) fail('columns', 'must map ledger fields to source columns', 'columns: { model: model, input_tokens: prompt_tokens }');
  for (const [field, column] of Object.entries(columns)) {
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) fail('columns', `unknown ledger field '${field}'`, `fields: ${MAPPABLE_FIELDS.join(', ')}`);
    if (typeof column !== 'string' || !column.trim()) fail('columns', `'${field}' must name a column`, `e.g. ${field}: some_column`);
  }
  if (!columns.model) fail('columns', 'model is required', 'columns: { model: <the column with the model name> }');
  if (!TOKEN_FIELDS.some((f) => columns[f] && f !== 'requests')) fail('columns', 'map at least one token count', 'e.g. input_tokens and output_tokens');
  const provider = raw.provider ?? null;
  if (provider != null && (typeof provider !== 'string' || !provider.trim())) fail('provider', 'must be a name', 'e.g. provider: openai');
  if (provider == null && !columns.provider) fail('provider', 'is required (or columns.provider)', 'who bills this usage, e.g. provider: anthropic');

  const units = (raw.units ?? {}) as Record<string, unknown>;
  const cost = units.cost ?? 'dollars';
  const latency = units.latency ?? 'ms';
  if (cost !== 'dollars' && cost !== 'cents') fail('units', `cost '${String(cost)}' is not dollars or cents`, 'units: { cost: cents }');
  if (latency !== 'ms' && latency !== 's') fail('units', `latency '${String(latency)}' is not ms or s`, 'units: { latency: s }');

  const list = (field: 'identity' | 'tags'): string[] => {
    const v = raw[field] ?? [];
    if (!Array.isArray(v) || v.some((c) => typeof c !== 'string' || !c)) fail(field, 'must be a list of column names', `${field}: [request_id]`);
    return v as string[];
  };
  if (raw.input_includes_cache !== undefined && typeof raw.input_includes_cache !== 'boolean') fail('input_includes_cache', 'must be true or false', 'true when the input count includes cached tokens (OpenAI style)');

  return {
    file,
    name: name as string,
    format: raw.format as 'csv' | 'jsonl',
    provider: (provider as string | null)?.trim() ?? null,
    role: role as 'requests' | 'aggregate',
    timestamp: { column: ts!.column as string, format: tsFormat, zone },
    identity: list('identity'),
    units: { cost: cost as 'dollars' | 'cents', latency: latency as 'ms' | 's' },
    inputIncludesCache: raw.input_includes_cache === true,
    columns: columns as Partial<Record<MappableField, string>>,
    tags: list('tags'),
  };
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
