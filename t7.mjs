import { DuckDBInstance, listValue } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
let t=Date.now();
await c.run(`create or replace table b as select filename, row_number() over () as g, try_cast(input_cache_write_tokens as double)::bigint cw, try_cast(input_tokens as double)::bigint it, model, project_id from read_csv($f, all_varchar=true, header=true, filename=true, union_by_name=true)`, {f: listValue(['/tmp/tmpl.csv','/tmp/big.csv'])});
console.log(Date.now()-t);
console.log((await c.runAndReadAll(`select filename, count(*), min(g), count(cw) from b group by all`)).getRows());
await c.run(`select * from read_csv('/work/main/samples/bad/empty.csv', all_varchar=true, header=true)`).then(()=>console.log('empty ok'), e=>console.log('ERR', e.message));
const r = await c.runAndReadAll(`select * from read_csv('/work/main/samples/bad/crlf-bom-usage.csv', all_varchar=true, header=true) limit 3`); console.log(r.columnNames().slice(0,3), r.getRows()[0]);
