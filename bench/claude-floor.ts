// Baseline child process: `node claude-floor.js PROJECTS_DIR` — the least work that gets exact
// per-model token totals out of a Claude Code folder with DuckDB: read_json over every transcript
// with a narrow explicit struct (only the fields the totals need), one row per response (lines
// sharing message.id and requestId; arg_max keeps the line with the largest token total, the
// final one of a streamed response), summed by model. An in-memory database, nothing written. It
// prints [{model, records, input_tokens, …}] as JSON. Run as a child like recount, so both pay
// Node and DuckDB start-up.
import path from 'node:path';
import { DuckDBInstance } from '../src/db/duckdb.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: claude-floor.js PROJECTS_DIR');

const COLUMNS = `{
  type: 'VARCHAR', requestId: 'VARCHAR',
  message: 'STRUCT(id VARCHAR, model VARCHAR, usage STRUCT(input_tokens BIGINT, output_tokens BIGINT,
    cache_read_input_tokens BIGINT, cache_creation_input_tokens BIGINT,
    cache_creation STRUCT(ephemeral_5m_input_tokens BIGINT, ephemeral_1h_input_tokens BIGINT)))'
}`;

const SQL = `
WITH lines AS (
  SELECT message.id AS id, requestId AS request_id, message.model AS model,
         coalesce(message.usage.input_tokens, 0) AS input_tokens,
         coalesce(message.usage.cache_read_input_tokens, 0) AS cache_read_tokens,
         coalesce(message.usage.cache_creation.ephemeral_5m_input_tokens, message.usage.cache_creation_input_tokens, 0) AS cache_write_5m_tokens,
         coalesce(message.usage.cache_creation.ephemeral_1h_input_tokens, 0) AS cache_write_1h_tokens,
         coalesce(message.usage.output_tokens, 0) AS output_tokens
  FROM read_json($glob, format = 'newline_delimited', ignore_errors = true, columns = ${COLUMNS})
  WHERE type = 'assistant' AND message.usage IS NOT NULL AND message.model <> '<synthetic>'
),
responses AS (
  SELECT arg_max(l, input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens) AS r
  FROM lines l
  GROUP BY id, request_id
)
SELECT r.model AS model, count(*) AS records,
       sum(r.input_tokens) AS input_tokens, sum(r.cache_read_tokens) AS cache_read_tokens,
       sum(r.cache_write_5m_tokens) AS cache_write_5m_tokens, sum(r.cache_write_1h_tokens) AS cache_write_1h_tokens,
       sum(r.output_tokens) AS output_tokens
FROM responses
GROUP BY ALL
ORDER BY model`;

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const reader = await conn.runAndReadAll(SQL, { glob: path.join(dir, '**', '*.jsonl') });
const rows = reader.getRowObjectsJson();
conn.closeSync();
instance.closeSync();
const numbers = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'model' ? v : Number(v)]))); // sums come back as text
process.stdout.write(JSON.stringify(numbers) + '\n');
