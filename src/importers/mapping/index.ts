import { listValue } from '../../db/duckdb.js';
import { RecountError } from '../../errors.js';
import type { Params } from '../../db/ledger.js';
import { readHead } from '../common/file-head.js';
import type { Importer } from '../format.js';
import { TOKEN_FIELDS, type MappableField, type Mapping } from './read-mapping.js';

/**
 * An importer built from a mapping file. Unlike the built-in formats its stage SQL is assembled
 * here, because the column names come from the mapping: they are quoted as identifiers, and every
 * value (JSON paths, zone, timestamp pattern, tag names, literals) is a bound parameter.
 */
export function mappingImporter(mapping: Mapping): Importer {
  const id = `mapping:${mapping.name}`;
  return {
    id,
    title: `${mapping.name} (mapped ${mapping.format.toUpperCase()}, ${mapping.file})`,
    provider: mapping.provider ?? '(from column)',
    role: mapping.role,
    merge: mapping.role === 'aggregate' ? 'replace' : 'keep-best',
    dir: 'mapping',
    // read one file per run: row_number() over one file is its line number
    read: { kind: 'mapping', format: mapping.format, build: (files: string[], importId: string) => buildStage(mapping, id, files, importId) },
    sample: 'samples/mapping',
    detect: () => false, // only ever chosen with --mapping
  };
}

/** The ordered source fields the SQL reads into the list `v`: mapped columns, then tags, then identity. */
function sourceFields(m: Mapping): string[] {
  const fields = [m.timestamp.column, ...Object.values(m.columns), ...m.tags, ...m.identity];
  return [...new Set(fields)];
}

function buildStage(m: Mapping, source: string, files: string[], importId: string): { sql: string; params: Params } {
  const fields = sourceFields(m);
  if (m.format === 'csv') checkCsvColumns(m, files[0], fields);
  const at = (column: string) => `v[${fields.indexOf(column) + 1}]`;
  const col = (field: MappableField) => (m.columns[field] ? at(m.columns[field]!) : 'NULL');
  const num = (field: MappableField) => `try_cast(nullif(trim(${col(field)}), '') AS DOUBLE)`;
  // a count is read by token_count (macros/token_count.sql); one that cannot be a count (negative,
  // NaN, 1e308, 9e18) is the row's reject reason, naming its column and value (token_count_fault)
  const count = (field: MappableField) => `token_count(nullif(trim(${col(field)}), ''))`;
  const badNumber = (field: MappableField) =>
    m.columns[field] ? `(nullif(trim(${col(field)}), '') IS NOT NULL AND ${num(field)} IS NULL)` : 'false';
  const numberFields: MappableField[] = [...TOKEN_FIELDS, 'billed_cost_usd', 'latency_ms'];
  const countColumns = TOKEN_FIELDS.filter((f) => m.columns[f]);
  const countFault = countColumns.length
    ? `coalesce(${countColumns.map((f, i) => `token_count_fault($count_columns[${i + 1}], ${col(f)})`).join(', ')})`
    : 'NULL';

  const params: Params = {
    files: listValue(files),
    import_id: importId,
    source,
    provider: m.provider,
    zone: m.timestamp.zone,
    ts_format: m.timestamp.format,
    ts_column: m.timestamp.column,
    tag_names: listValue(m.tags),
    count_columns: listValue(countColumns.map((f) => m.columns[f]!)),
  };
  if (m.format === 'jsonl') params.paths = listValue(fields.map((f) => `$.${f}`));

  const read =
    m.format === 'csv'
      ? `SELECT filename AS source_file, row_number() OVER () + 1 AS source_line, true AS ok,
                [${fields.map(quoteIdent).join(', ')}] AS v,
                concat_ws(',', ${fields.map(quoteIdent).join(', ')}) AS raw
         FROM read_csv($files, header = true, all_varchar = true, filename = true, delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = false)`
      : `SELECT source_file, source_line, json_valid(raw) AS ok,
                CASE WHEN json_valid(raw) THEN json_extract_string(raw, $paths) END AS v, raw
         FROM jsonl_lines($files)
         WHERE raw IS NOT NULL AND trim(raw) <> ''`;

  const tsText = at(m.timestamp.column);
  const ts =
    m.timestamp.format === 'unix'
      ? `to_timestamp(try_cast(${tsText} AS DOUBLE))`
      : m.timestamp.format === 'unix_ms'
        ? `to_timestamp(try_cast(${tsText} AS DOUBLE) / 1000)`
        : m.timestamp.format === 'iso'
          ? // an explicit offset wins; a bare local time is read in the mapping's zone
            `CASE WHEN regexp_matches(${tsText}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN try_cast(${tsText} AS TIMESTAMPTZ)
                  ELSE timezone($zone, try_cast(${tsText} AS TIMESTAMP)) END`
          : `timezone($zone, try_strptime(${tsText}, $ts_format))`;
  const costFactor = m.units.cost === 'cents' ? ' / 100' : '';
  const latencyFactor = m.units.latency === 's' ? ' * 1000' : '';
  const identity = m.identity.length ? m.identity.map((c) => `hide_key(${at(c)})`) : fields.map((c) => at(c));
  const tags = m.tags.length ? `json_object(${m.tags.map((t, i) => `$tag_names[${i + 1}], ${at(t)}`).join(', ')})` : 'NULL';
  const cacheSum = `coalesce(${count('cache_read_tokens')}, 0) + coalesce(${count('cache_write_5m_tokens')}, 0) + coalesce(${count('cache_write_1h_tokens')}, 0)`;
  const inputTokens = m.inputIncludesCache ? `${count('input_tokens')} - (${cacheSum})` : count('input_tokens');

  const sql = `-- Stage a file read through a mapping (built by src/importers/mapping/mapping-importer.ts).
INSERT INTO staged_usage BY NAME
WITH src AS (
  ${read}
),
fields AS (
  SELECT source_file, source_line, ok, raw,
         ${ts} AS ts,
         nullif(trim(${col('model')}), '') AS model_raw,
         ${numberFields.map(badNumber).join(' OR ')} AS bad_number,
         ${countFault} AS count_fault,
         ${m.inputIncludesCache ? `coalesce(${count('input_tokens')}, 0) < ${cacheSum}` : 'false'} AS cache_exceeds_input,
         ${inputTokens} AS input_n, ${count('cache_read_tokens')} AS cache_read_n, ${count('cache_write_5m_tokens')} AS write_5m_n,
         ${count('cache_write_1h_tokens')} AS write_1h_n, ${count('output_tokens')} AS output_n, ${count('reasoning_tokens')} AS reasoning_n,
         ${count('requests')} AS requests_n, ${num('billed_cost_usd')}${costFactor} AS billed_n, ${num('latency_ms')}${latencyFactor} AS latency_n,
         coalesce($provider, lower(nullif(trim(${col('provider')}), ''))) AS provider,
         nullif(trim(${col('session_id')}), '') AS session_id, nullif(trim(${col('project')}), '') AS project,
         hide_key(nullif(trim(${col('api_key')}), '')) AS api_key, hide_key(nullif(trim(${col('user_id')}), '')) AS user_id,
         nullif(trim(${col('workspace')}), '') AS workspace, nullif(trim(${col('service_tier')}), '') AS service_tier,
         nullif(trim(${col('status')}), '') AS status,
         ${tags} AS tags,
         concat_ws('|', ${identity.join(', ')}) AS identity
  FROM src
),
checked AS (
  SELECT *,
         CASE
           WHEN NOT ok THEN 'not valid JSON (a truncated or corrupted line)'
           WHEN ts IS NULL THEN 'timestamp column ' || $ts_column || ' is missing or not a ' || $ts_format || ' timestamp'
           WHEN count_fault IS NOT NULL THEN count_fault
           WHEN bad_number THEN 'a token, cost or latency value is not a number'
           WHEN model_raw IS NULL THEN 'the model column is empty'
           WHEN cache_exceeds_input THEN 'cached tokens exceed input tokens (input_includes_cache is true)'
         END AS reason
  FROM fields
)
SELECT CASE WHEN reason IS NULL THEN 'usage' ELSE 'reject' END AS row_kind,
       reason,
       CASE WHEN reason IS NOT NULL THEN left(raw, 100000) END AS raw,
       CASE WHEN reason IS NULL THEN $source || ':' || md5(identity) END AS record_key,
       $source AS source, source_file, source_line, $import_id AS import_id,
       ts AS started_at, provider, model_raw,
       CAST(coalesce(requests_n, 1) AS BIGINT) AS requests,
       CAST(coalesce(input_n, 0) AS BIGINT) AS input_tokens,
       CAST(coalesce(cache_read_n, 0) AS BIGINT) AS cache_read_tokens,
       CAST(coalesce(write_5m_n, 0) AS BIGINT) AS cache_write_5m_tokens,
       CAST(coalesce(write_1h_n, 0) AS BIGINT) AS cache_write_1h_tokens,
       CAST(coalesce(output_n, 0) AS BIGINT) AS output_tokens,
       CAST(reasoning_n AS BIGINT) AS reasoning_tokens,
       billed_n AS billed_cost_usd, latency_n AS latency_ms,
       session_id, project, api_key, user_id, workspace,
       coalesce(service_tier, 'standard') AS service_tier,
       coalesce(status, 'ok') AS status,
       tags
FROM checked`;
  // DuckDB refuses values for parameters a statement does not use
  const used = Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
  return { sql, params: used };
}

/** A mapped column the file does not have is a mistake in the mapping: say which field names it. */
function checkCsvColumns(m: Mapping, file: string, fields: string[]): void {
  const header = readHead(file).csvHeader;
  if (!header) throw new RecountError(`${file}: no CSV header line`, `the mapping ${m.file} reads CSV with a header`);
  const present = new Set(header);
  for (const column of fields) {
    if (present.has(column.toLowerCase())) continue;
    const field = column === m.timestamp.column ? 'timestamp.column'
      : Object.entries(m.columns).find(([, c]) => c === column)?.[0] ? `columns.${Object.entries(m.columns).find(([, c]) => c === column)![0]}`
      : m.tags.includes(column) ? 'tags' : 'identity';
    throw new RecountError(
      `${m.file}: ${field} names column '${column}', which ${file} does not have`,
      `its columns: ${header.join(', ')}`,
    );
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
