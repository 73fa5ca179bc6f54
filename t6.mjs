import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const [name, q] of [
 ['raw insert', `create or replace table a as select * from read_csv('/tmp/big.csv')`],
 ['varchar direct', `create or replace table b as select filename, row_number() over () as g, try_cast(input_tokens as double)::bigint it, model, project_id from read_csv('/tmp/big.csv', all_varchar=true, header=true, filename=true)`],
 ['to_json', `create or replace table c as select g, r->>'input_tokens' it, r->>'model' m from (select row_number() over () g, to_json(t) r from read_csv('/tmp/big.csv', all_varchar=true, header=true) t)`],
]) { const t=Date.now(); await c.run(q); console.log(name, Date.now()-t, 'ms'); }
