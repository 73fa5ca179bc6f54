import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/db/ledger.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import type { Condition, Field, Leaf, Value } from '../../src/conditions/types.js';
import { matchesCondition, readPolicy, type Rule } from '../../src/replay/policy.js';
import { ruleIndexSql } from './rule-sql.js';
import { matchRules, type RuleRows } from '../../src/replay/rule-match.js';
import { samples, tempDir, writeTemp } from '../helpers.js';

// matchRules against the SQL it replaces: the same rows as a replay_rows view in DuckDB, ruleIndexSql
// run over it, and the two rule indexes compared row by row.

const DICT = {
  sources: ['claude-code', 'codex', 'litellm', null],
  rowProviders: [null, 'anthropic', 'openai', 'google', 'Anthropic'],
  models: [null, 'claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-6', 'gpt-5', 'gpt-5-mini', '(not in this period)'],
  taskTypes: [null, 'search', 'docs', 'code', 'chat'],
  apiKeys: [null, 'key-a', 'key-b', 'KEY-c'],
  projects: [null, 'acme-api', 'acme-web', 'x'],
  toolSets: [null, [], ['Read'], ['Read', 'Bash'], ['Edit', 'Write', 'mcp__github__pr'], ['Bash'], ['bash']],
  tagSets: [
    null, '{}', '{"team":"backend"}', '{"team":"frontend","env":"prod"}', '{"team":{"lead":"ann","size":3},"env":"dev"}',
    '{"env":"dev","n":5,"flag":true,"list":[1,"a"]}', '{"team":null}', '{"my-tag":"x","0":"zero"}', '[1,2]', '"abc"',
  ],
};
// token amounts at the comparison edges below (0, 1000, 150000), and NaN: a missing amount, NULL in SQL
const AMOUNTS = [0, 1, 999, 1000, 1001, 40_000, 149_999, 150_000, 2_000_000, NaN];

/** A seeded generator (mulberry32): the rows are the same every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rows' tags (ids into DICT.tagSets), kept beside RuleRows: it holds them by tag name (tagValues). */
let tagIds: Int32Array;

function ruleRows(rows: number): RuleRows {
  const rnd = random(7);
  const ids = (n: number) => Int32Array.from({ length: rows }, (_, r) => (r < n ? r : Math.floor(rnd() * n))); // every id used
  const amounts = (nanEvery: number) => Float64Array.from({ length: rows }, (_, r) => (r % nanEvery === 5 ? NaN : AMOUNTS[Math.floor(rnd() * (AMOUNTS.length - 1))]));
  tagIds = ids(DICT.tagSets.length);
  const { tagSets: _, ...dictionaries } = DICT;
  return {
    rows, ...dictionaries, tags: new Map(),
    sourceIx: ids(DICT.sources.length), rowProviderIx: ids(DICT.rowProviders.length), modelIx: ids(DICT.models.length),
    taskTypeIx: ids(DICT.taskTypes.length), keyIx: ids(DICT.apiKeys.length), projectIx: ids(DICT.projects.length),
    toolsIx: ids(DICT.toolSets.length), taskTier: ids(4),
    input: amounts(97), cacheRead: amounts(1e9), write5m: amounts(1e9), write1h: amounts(1e9), output: amounts(89),
  };
}

const f = ruleRows(600);
let ledger: Ledger;

/** The rows as replay_rows has them: strings looked up, tier 0 as NULL, prompt_tokens the sum of four BIGINTs. */
async function replayRowsView(): Promise<void> {
  const n = (v: number) => (Number.isNaN(v) ? null : v);
  const rows = Array.from({ length: f.rows }, (_, r) => ({
    row_id: r, source: f.sources[f.sourceIx[r]], provider: f.rowProviders[f.rowProviderIx[r]], model: f.models[f.modelIx[r]],
    task_type: f.taskTypes[f.taskTypeIx[r]], api_key: f.apiKeys[f.keyIx[r]], project: f.projects[f.projectIx[r]],
    tier: f.taskTier[r] || null, input: n(f.input[r]), cache_read: n(f.cacheRead[r]), write_5m: n(f.write5m[r]), write_1h: n(f.write1h[r]),
    output_tokens: n(f.output[r]), tools: f.toolSets[f.toolsIx[r]], tags: DICT.tagSets[tagIds[r]],
  }));
  const shape = {
    row_id: 'INTEGER', source: 'VARCHAR', provider: 'VARCHAR', model: 'VARCHAR', task_type: 'VARCHAR', api_key: 'VARCHAR', project: 'VARCHAR',
    tier: 'INTEGER', input: 'BIGINT', cache_read: 'BIGINT', write_5m: 'BIGINT', write_1h: 'BIGINT', output_tokens: 'BIGINT', tools: ['VARCHAR'], tags: 'VARCHAR',
  };
  await ledger.run(`CREATE TEMP TABLE rule_rows AS SELECT unnest(json_transform($rows, '${JSON.stringify([shape])}'), recursive := true)`, { rows: JSON.stringify(rows) });
  await ledger.run(`CREATE TEMP VIEW replay_rows AS
    SELECT row_id, source, provider, model, task_type, api_key, project, tier, input + cache_read + write_5m + write_1h AS prompt_tokens,
           output_tokens, tools, CAST(tags AS JSON) AS tags
    FROM rule_rows`);
}

/**
 * Each tag name's values as the frame reads them (read_replay_tag.sql's json_extract_string), one per
 * entry of DICT.tagSets, so the rows' tag ids index them directly.
 */
async function tagValues(names: string[]): Promise<void> {
  const tags = f.tags as Map<string, { ix: Int32Array; values: (string | null)[] }>;
  for (const name of names) {
    const rows = await ledger.all<{ value: string | null }>(
      `SELECT json_extract_string(CAST(t AS JSON), '$.' || $name) AS value FROM unnest($texts::VARCHAR[]) WITH ORDINALITY AS u(t, k) ORDER BY k`,
      { name, texts: JSON.stringify(DICT.tagSets) },
    );
    tags.set(name, { ix: tagIds, values: rows.map((r) => r.value) });
  }
}

beforeAll(async () => {
  ledger = await Ledger.open(':memory:');
  await replayRowsView();
  await tagValues(['team', 'env', 'n', 'flag', 'list', 'missing', 'my-tag', '0', 'constructor', 'length']);
});
afterAll(() => ledger.close());

async function sqlIndexes(rules: readonly Rule[]): Promise<number[]> {
  const { sql, params } = ruleIndexSql(rules);
  const rows = await ledger.all<{ rule_ix: number }>(`SELECT rule_ix FROM (${sql}) ORDER BY row_id`, params);
  return rows.map((r) => r.rule_ix);
}

const rule = (name: string, when: Condition, isDefault = false): Rule => ({ name, when, isDefault, route: null, escalate: null });
const fallback = rule('default', { op: '$and', args: [] }, true);
/** The condition as the first rule of a two-rule policy, so every row's truth shows. */
const alone = (when: Condition): Rule[] => [rule('r', when), fallback];

async function expectSameAsSql(rules: readonly Rule[]): Promise<number[]> {
  const js = Array.from(matchRules(f, rules));
  expect(js).toEqual(await sqlIndexes(rules));
  return js;
}

/** Every operator a field kind takes, with values rows hold, values none holds, and case variants. */
function leavesOf(field: Field, values: Value[]): Leaf[] {
  const [a, b] = values;
  const none = typeof a === 'number' ? 12_345 : 'zz-none';
  const leaves: Leaf[] = [
    { op: '$eq', field, value: a }, { op: '$ne', field, value: b }, { op: '$in', field, values: [a, b] }, { op: '$nin', field, values: [a, none] },
    { op: '$exists', field, exists: true }, { op: '$exists', field, exists: false },
  ];
  if (typeof a === 'number') {
    return [...leaves, ...(['$gt', '$gte', '$lt', '$lte'] as const).flatMap((op) => values.map((value) => ({ op, field, value }) as Leaf))];
  }
  const text = String(a);
  return [
    ...leaves, { op: '$eq', field, value: 'zz-none' }, { op: '$ne', field, value: 'zz-none' },
    { op: '$regex', field, pattern: `^${text.slice(0, 3).toUpperCase().replace(/[[\]{}()*+?.\\^$|]/g, '\\$&')}` }, { op: '$regex', field, pattern: '[0-9]|e$' },
    { op: '$prefix', field, value: text.slice(0, 2) }, { op: '$prefix', field, value: text.slice(0, 2).toUpperCase() },
  ];
}

const STRING_FIELDS: [Field, Value[]][] = [
  ['source', ['codex', 'claude-code']], ['provider', ['anthropic', 'openai']], ['model', ['claude-haiku-4-5', 'gpt-5']],
  ['task_type', ['search', 'docs']], ['api_key', ['key-a', 'KEY-c']], ['project', ['acme-web', 'x']],
];
const TAG_FIELDS: [Field, Value[]][] = [
  ['tags.team', ['backend', '{"lead":"ann","size":3}']], ['tags.env', ['dev', 'prod']], ['tags.n', ['5', '6']], ['tags.flag', ['true', 'false']],
  ['tags.list', ['[1,"a"]', 'a']], ['tags.missing', ['x', 'y']], ['tags.my-tag', ['x', 'y']], ['tags.0', ['zero', '1']],
  ['tags.constructor', ['x', 'y']], ['tags.length', ['3', '2']],
];
const NUMBER_FIELDS: [Field, Value[]][] = [['tier', [1, 2, 0, 3, 4]], ['prompt_tokens', [1000, 150_000, 0]], ['output_tokens', [1000, 0, 1]]];
const TOOLS: Leaf[] = [
  { op: '$eq', field: 'tools', value: 'Read' }, { op: '$ne', field: 'tools', value: 'Bash' }, { op: '$in', field: 'tools', values: ['Bash', 'Edit'] },
  { op: '$nin', field: 'tools', values: ['Read', 'x'] }, { op: '$only', field: 'tools', values: ['Read', 'Bash'] }, { op: '$only', field: 'tools', values: ['Bash'] },
  { op: '$prefix', field: 'tools', value: 'mcp__' }, { op: '$prefix', field: 'tools', value: 'B' }, { op: '$regex', field: 'tools', pattern: '^bash$' },
  { op: '$regex', field: 'tools', pattern: 'github' }, { op: '$exists', field: 'tools', exists: true }, { op: '$exists', field: 'tools', exists: false },
];

describe('matchRules gives ruleIndexSql’s index on every row', () => {
  let split = 0;
  const cases = [...STRING_FIELDS, ...TAG_FIELDS, ...NUMBER_FIELDS].flatMap(([field, values]) => leavesOf(field, values)).concat(TOOLS);
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_, leaf) => {
    const js = await expectSameAsSql(alone(leaf));
    if (new Set(js).size === 2) split++;
  });
  // a case that matches every row, or none, says little: most must do neither
  it('most of these cases split the rows', () => expect(split).toBeGreaterThan(cases.length * 0.6));

  const and = (...args: Condition[]): Condition => ({ op: '$and', args });
  const or = (...args: Condition[]): Condition => ({ op: '$or', args });
  const leaf = (field: Field, op: '$eq' | '$ne' | '$lte' | '$gt' | '$prefix', value: Value) => ({ op, field, value }) as Leaf;
  const combos: [string, Condition][] = [
    ['empty $and', and()],
    ['empty $or', or()],
    ['$and with an empty $and', and(and(), leaf('provider', '$eq', 'anthropic'))],
    ['$or with an empty $and', or(and(), leaf('provider', '$eq', 'anthropic'))],
    ['$or with an empty $or', or(or(), leaf('model', '$prefix', 'gpt'))],
    ['one field twice ($and)', and(leaf('model', '$prefix', 'claude'), leaf('model', '$ne', 'claude-opus-4-6'))],
    ['one field twice ($or)', or(leaf('model', '$eq', 'gpt-5'), leaf('model', '$eq', 'claude-haiku-4-5'))],
    ['provider and tier', and(leaf('provider', '$eq', 'anthropic'), leaf('tier', '$lte', 2))],
    ['nested', or(and(leaf('tier', '$lte', 1), or(leaf('tools', '$eq', 'Bash'), leaf('prompt_tokens', '$gt', 1000))), and(leaf('tags.env', '$eq', 'dev'), leaf('output_tokens', '$gt', 0)))],
    ['three deep', and(or(leaf('project', '$eq', 'x'), and(leaf('api_key', '$ne', 'key-a'), or(leaf('source', '$eq', 'codex'), leaf('task_type', '$eq', 'chat')))), leaf('prompt_tokens', '$lte', 150_000))],
    ['always-true arm', and(or(leaf('model', '$ne', 'zz'), leaf('prompt_tokens', '$gt', 1)), leaf('tags.team', '$eq', 'backend'))],
  ];
  it.each(combos)('%s', async (_, when) => {
    await expectSameAsSql(alone(when));
  });

  it('first match wins, across many rules; a default in the middle is skipped', async () => {
    const rules = [
      rule('long', leaf('prompt_tokens', '$gt', 149_999)), rule('never', or()), rule('bash', leaf('tools', '$eq', 'Bash')), fallback,
      rule('anthropic cheap', and(leaf('provider', '$eq', 'anthropic'), leaf('tier', '$lte', 2))), rule('dev', leaf('tags.env', '$eq', 'dev')),
      rule('the rest', and()), rule('unreached', leaf('model', '$ne', 'zz')),
    ];
    const js = await expectSameAsSql(rules);
    expect(new Set(js)).toEqual(new Set([0, 2, 4, 5, 6]));
    expect(await expectSameAsSql(rules.filter((r) => !r.isDefault).slice(0, 3))).toContain(-1); // no default: -1
    expect(await expectSameAsSql([])).toEqual(Array(f.rows).fill(-1));
  });

  it('reads a policy file the way whatif does', async () => {
    const file = writeTemp('p.yaml', `version: 1
rules:
  - { name: a, when: { provider: anthropic, tier: { $in: [1, 2] }, tools: { $nin: [Edit] } }, route: { model: claude-haiku-4-5, scope: switch } }
  - { name: b, when: { $or: [{ model: { $regex: '^gpt' } }, { tags.team: { $exists: true }, prompt_tokens: { $gte: 1000 } }] } }
  - { name: c, when: { task_type: { $nin: [search] }, output_tokens: { $lt: 1000 } } }
  - { name: default, when: {} }
`, tempDir('recount-rule-match-'));
    await expectSameAsSql(readPolicy(file, loadPriceBook('')).rules);
  });
});

describe('the per-row fallbacks', () => {
  // tiers spread too wide for a table, and an operator the value classes do not cover: matchesCondition per row
  const wide: RuleRows = { ...f, taskTier: Int32Array.from(f.taskTier, (t, r) => (r % 3 ? t : t * 5000)) };
  const firstMatch = (rules: readonly Rule[], r: number) => {
    const prompt = wide.input[r] + wide.cacheRead[r] + wide.write5m[r] + wide.write1h[r];
    const row = { tier: wide.taskTier[r] || null, prompt_tokens: Number.isNaN(prompt) ? null : prompt, provider: wide.rowProviders[wide.rowProviderIx[r]] };
    const i = rules.findIndex((x) => !x.isDefault && matchesCondition(x.when, row));
    return i < 0 ? rules.findIndex((x) => x.isDefault) : i;
  };
  it.each<[string, Condition]>([
    ['tier', { op: '$or', args: [{ op: '$lt', field: 'tier', value: 2 }, { op: '$gt', field: 'tier', value: 10_000 }] }], // NULL is not < 2
    ['prompt_tokens $regex', { op: '$regex', field: 'prompt_tokens', pattern: '^[1n]' }], // NULL is no 'NaN'
  ])('%s', (_, when) => {
    const rules = [rule('r', when), rule('anthropic', { op: '$eq', field: 'provider', value: 'anthropic' }), fallback];
    const js = Array.from(matchRules(wide, rules));
    expect(js).toEqual(js.map((_, r) => firstMatch(rules, r)));
    expect(new Set(js)).toEqual(new Set([0, 1, 2]));
  });
});

describe('the bundled policies and plans', () => {
  const book = loadPriceBook('');
  const files = ['policies', 'plans'].flatMap((d) => fs.readdirSync(samples(d)).filter((x) => x.endsWith('.yaml')).map((x) => samples(d, x)));
  it('are the fourteen', () => expect(files).toHaveLength(14));
  it.each(files)('%s', async (file) => {
    await expectSameAsSql(readPolicy(file, book).rules);
  });
});
