import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecountError } from '../../src/errors.js';
import type { Ledger } from '../../src/db/ledger.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import {
  conditionToSql,
  failRateFor,
  matchesCondition,
  ratioFor,
  readPolicy,
  repeatFailRateFor,
  type Condition,
  type ConditionRow,
} from '../../src/replay/policy.js';
import { newLedger, samples, tempDir, writeTemp } from '../helpers.js';

const book = loadPriceBook('');
const dir = tempDir('recount-policy-');
let n = 0;
/** Writes a policy into a temp file and reads it. */
const policyOf = (text: string, name = `p${n++}.yaml`) => readPolicy(writeTemp(name, text, dir), book);
/** The `when` of the first rule of a two-rule policy. */
const cond = (when: string): Condition => policyOf(`version: 1\nrules:\n  - name: r\n    when: ${when}\n  - name: default\n`).rules[0].when;

function errorOf(text: string): { file: string; err: RecountError } {
  const file = writeTemp(`bad${n++}.yaml`, text, dir);
  try {
    readPolicy(file, book);
  } catch (err) {
    if (err instanceof RecountError) return { file, err };
    throw err;
  }
  throw new Error('expected a RecountError');
}

describe('bundled policies', () => {
  const files = fs.readdirSync(samples('policies')).filter((f) => f.endsWith('.yaml'));
  it('ships the seven examples (one a LiteLLM config)', () => {
    expect(files.sort()).toEqual(['budget-cap.yaml', 'cheap-by-default.yaml', 'compact-long-context.yaml', 'identity.yaml', 'litellm_config.yaml', 'stable-prefix.yaml', 'task-tiers.yaml']);
  });
  it.each(files)('%s parses, with a header comment', (f) => {
    const p = readPolicy(samples('policies', f), book);
    expect(p.name).toBe(f.replace('.yaml', ''));
    expect(p.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(p.rules.at(-1)!.isDefault).toBe(true);
    expect(fs.readFileSync(samples('policies', f), 'utf8')).toMatch(/^# \S+ — /);
  });
  it('identity keeps every model', () => {
    const p = readPolicy(samples('policies', 'identity.yaml'), book);
    expect(p.rules).toEqual([{ name: 'default', when: { op: '$and', args: [] }, isDefault: true, route: null, escalate: null }]);
    expect(p.budgets).toEqual([]);
    expect(p.transforms).toEqual([]);
    expect(p.assumptions.cacheTtlSeconds).toBe(300);
  });
  it('cheap-by-default routes to haiku and escalates to opus after two failures', () => {
    const p = readPolicy(samples('policies', 'cheap-by-default.yaml'), book);
    expect(p.rules[0].route).toEqual({ model: 'claude-haiku-4-5', scope: 'switch' });
    expect(p.rules[0].escalate).toEqual({ to: 'claude-opus-4-6', afterFailures: 2 });
    expect(failRateFor(p.assumptions, 'claude-haiku-4-5', 'search')).toEqual({ low: 0, central: 0.03, high: 0.1 });
    expect(failRateFor(p.assumptions, 'claude-haiku-4-5', null).central).toBe(0.15);
    expect(repeatFailRateFor(p.assumptions, 'claude-haiku-4-5', 'search').central).toBe(0.5);
    expect(failRateFor(p.assumptions, 'claude-opus-4-6', 'search')).toEqual({ low: 0, central: 0, high: 0 });
  });
  it('task-tiers routes each tier', () => {
    const p = readPolicy(samples('policies', 'task-tiers.yaml'), book);
    expect(p.rules.map((r) => [r.when, r.route?.model ?? null])).toEqual([
      ...[1, 2, 3].map((tier, k) => [
        { op: '$and', args: [{ op: '$eq', field: 'provider', value: 'anthropic' }, { op: '$eq', field: 'tier', value: tier }] },
        ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-6'][k],
      ]),
      [{ op: '$and', args: [] }, null],
    ]);
  });
  it('budget-cap, stable-prefix and compact-long-context normalize', () => {
    expect(readPolicy(samples('policies', 'budget-cap.yaml'), book).budgets).toEqual([
      { per: 'project', window: 'day', capUsd: 100, onExceed: { action: 'route', model: 'claude-haiku-4-5' } },
    ]);
    expect(readPolicy(samples('policies', 'stable-prefix.yaml'), book).transforms).toEqual([{ kind: 'stable_prefix', recover: { low: 0.5, central: 0.8, high: 1 } }]);
    expect(readPolicy(samples('policies', 'compact-long-context.yaml'), book).transforms).toEqual([
      { kind: 'compact', aboveTokens: 150000, summaryTokens: { low: 8000, central: 15000, high: 30000 } },
    ]);
  });
});

describe('normalization', () => {
  it('bare values, single-number triples, ttl, canonical ids, defaults', () => {
    const p = policyOf(`
version: 1
name: mine
assumptions:
  cache: { ttl: 1h }
  output_ratio: { default: 1.2, claude-haiku-4.5: [0.8, 1, 1.4] }
  fail_rate: { anthropic/claude-haiku-4-5: { search: 0.05 } }
rules:
  - name: lookups
    when: { task_type: search, model: anthropic/claude-sonnet-4.5 }
    route: { model: claude-haiku-4.5 }
  - name: default
    route: { keep: true }
`);
    expect(p.name).toBe('mine');
    expect(p.description).toBeNull();
    expect(p.assumptions.cacheTtlSeconds).toBe(3600);
    expect(p.assumptions.outputRatio).toEqual({ default: { low: 1.2, central: 1.2, high: 1.2 }, 'claude-haiku-4-5': { low: 0.8, central: 1, high: 1.4 } });
    expect(p.assumptions.tokenizerRatio).toEqual({ default: { low: 1, central: 1, high: 1 } });
    expect(ratioFor(p.assumptions.outputRatio, 'claude-opus-4-6').central).toBe(1.2);
    expect(p.assumptions.failRate).toEqual({ 'claude-haiku-4-5': { search: { low: 0.05, central: 0.05, high: 0.05 } } });
    expect(repeatFailRateFor(p.assumptions, 'claude-haiku-4-5', 'search').central).toBe(0.05); // falls back to fail_rate
    expect(p.rules[0]).toEqual({
      name: 'lookups',
      when: { op: '$and', args: [{ op: '$eq', field: 'task_type', value: 'search' }, { op: '$eq', field: 'model', value: 'claude-sonnet-4-5' }] },
      isDefault: false,
      route: { model: 'claude-haiku-4-5', scope: 'switch' },
      escalate: null,
    });
    expect(p.rules[1]).toMatchObject({ isDefault: true, route: null });
  });
  it('ttl in seconds; name from the file; JSON is read too', () => {
    const file = writeTemp('from-json.json', JSON.stringify({ version: 1, assumptions: { cache: { ttl: 600 } }, rules: [{ name: 'default', when: {} }] }), dir);
    const p = readPolicy(file, book);
    expect(p.name).toBe('from-json');
    expect(p.assumptions.cacheTtlSeconds).toBe(600);
  });
  it('the fingerprint ignores name and layout but not content', () => {
    const a = policyOf('version: 1\nname: a\nrules:\n  - { name: default, when: {} }\n');
    const b = policyOf('version: 1\nname: b\nrules:\n  - name: default\n    when: {}\n');
    const c = policyOf('version: 1\nrules:\n  - { name: default, when: {}, route: { model: claude-haiku-4-5 } }\n');
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });
  it('a local model priced at 0 by an override is a valid target', () => {
    const prices = writeTemp('prices.yaml', 'prices:\n  - { model: qwen3-coder-local, input_usd_per_mtok: 0, output_usd_per_mtok: 0 }\n', dir);
    const file = writeTemp('local.yaml', 'version: 1\nrules:\n  - { name: default, route: { model: qwen3-coder-local } }\n', dir);
    expect(readPolicy(file, loadPriceBook(prices)).rules[0].route).toEqual({ model: 'qwen3-coder-local', scope: 'switch' });
    expect(() => readPolicy(file, book)).toThrow(/qwen3-coder-local/);
  });
});

describe('validation errors name file:line and give a hint', () => {
  const cases: [string, string, number, string][] = [
    ['unknown top-level field', 'version: 1\nrouting: x\nrules:\n  - { name: default }\n', 2, "unknown field 'routing'"],
    ['unknown condition field', 'version: 1\nrules:\n  - name: r\n    when:\n      taskType: search\n  - { name: default }\n', 5, "unknown field 'taskType'"],
    ['unknown operator', 'version: 1\nrules:\n  - name: r\n    when:\n      model: { $like: claude }\n  - { name: default }\n', 5, "unknown operator '$like'"],
    ['bad regex', "version: 1\nrules:\n  - name: r\n    when:\n      model:\n        $regex: 'claude-('\n  - { name: default }\n", 6, "model: $regex 'claude-(' is not a valid pattern (Invalid regular expression: /claude-(/i: Unterminated group)"],
    ['numeric operator on text', 'version: 1\nrules:\n  - name: r\n    when: { model: { $gt: 3 } }\n  - { name: default }\n', 4, '$gt does not apply to model'],
    ['numeric operator needs a number', "version: 1\nrules:\n  - name: r\n    when: { prompt_tokens: { $gt: 'big' } }\n  - { name: default }\n", 4, "prompt_tokens: $gt needs a number, not 'big'"],
    ['missing default', 'version: 1\nrules:\n  - { name: r, when: { tier: 1 } }\n', 2, 'no default rule'],
    ['default not last', 'version: 1\nrules:\n  - { name: default }\n  - { name: r, when: { tier: 1 } }\n', 3, "default rule 'default' must be the last rule"],
    ['two defaults', 'version: 1\nrules:\n  - { name: r, when: { tier: 1 } }\n  - { name: d1, when: {} }\n  - { name: d2 }\n', 5, "rule 'd2' is a second default rule"],
    ['triple out of order', 'version: 1\nassumptions:\n  output_ratio:\n    default: [1.2, 1.0, 1.4]\nrules:\n  - { name: default }\n', 4, 'output_ratio.default [1.2, 1, 1.4] is not ordered low ≤ central ≤ high'],
    ['rate above 1', 'version: 1\nassumptions:\n  fail_rate:\n    claude-haiku-4-5:\n      search: [0, 0.5, 1.5]\nrules:\n  - { name: default }\n', 5, 'fail_rate.claude-haiku-4-5.search has a rate above 1'],
    ['unpriced target model', 'version: 1\nrules:\n  - name: default\n    route:\n      model: my-local-llm\n', 5, "model 'my-local-llm' has no price in genai-prices"],
    ['unpriced escalation target', 'version: 1\nrules:\n  - name: default\n    escalate: { to: claude-opus-9, after_failures: 2 }\n', 4, "model 'claude-opus-9' has no price in genai-prices"],
    ['budget without cap', 'version: 1\nrules:\n  - { name: default }\nbudgets:\n  - per: api_key\n    on_exceed: { block: true }\n', 5, 'the budget needs cap_usd'],
    ['budget cap not positive', 'version: 1\nrules:\n  - { name: default }\nbudgets:\n  - { per: api_key, cap_usd: 0, on_exceed: { block: true } }\n', 5, 'cap_usd 0 is not a positive number'],
    ['bad ttl', 'version: 1\nassumptions:\n  cache: { ttl: 30m }\nrules:\n  - { name: default }\n', 3, "cache ttl '30m' is not 5m, 1h or a number of seconds"],
    ['bad scope', 'version: 1\nrules:\n  - { name: default, route: { model: claude-haiku-4-5, scope: thread } }\n', 3, "scope 'thread' is not switch or subagent"],
    ['escalate after 0', 'version: 1\nrules:\n  - { name: default, escalate: { to: claude-opus-4-6, after_failures: 0 } }\n', 3, 'after_failures 0 is not a whole number from 1 to 5'],
    ['escalate after 9', 'version: 1\nrules:\n  - { name: default, escalate: { to: claude-opus-4-6, after_failures: 9 } }\n', 3, 'after_failures 9 is not a whole number from 1 to 5'],
    ['wrong version', 'version: 2\nrules:\n  - { name: default }\n', 1, 'version 2 is not supported'],
    ['bare list', 'version: 1\nrules:\n  - { name: r, when: { tools: [Read, Grep] } }\n  - { name: default }\n', 3, 'tools: a list needs an operator'],
    ['regex DuckDB cannot run', "version: 1\nrules:\n  - { name: r, when: { project: { $regex: 'a(?!b)' } } }\n  - { name: default }\n", 3, "project: $regex 'a(?!b)' uses a lookaround or back-reference"],
    ['unknown transform', 'version: 1\nrules:\n  - { name: default }\ntransforms:\n  - cache_warmer: {}\n', 5, "unknown transform 'cache_warmer'"],
  ];
  it.each(cases)('%s', (_label, text, line, message) => {
    const { file, err } = errorOf(text);
    expect(err.message.startsWith(`${file}:${line}: ${message}`), err.message).toBe(true);
    expect(err.hint).toBeTruthy();
  });
  it('the unpriced-model hint points at --prices', () => {
    const { err } = errorOf('version: 1\nrules:\n  - { name: default, route: { model: my-local-llm } }\n');
    expect(err.hint).toContain('--prices FILE');
  });
  it('a YAML syntax error names the line', () => {
    const { file, err } = errorOf('version: 1\nrules:\n  - { name: default\n');
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });
});

// rows × conditions: the expected matching ids, checked in JS and in DuckDB
const rows: (ConditionRow & { id: number })[] = [
  { id: 1, task_type: 'search', tier: 1, model: 'claude-sonnet-4-5', provider: 'anthropic', source: 'claude-code', api_key: 'key-a', project: 'web', tags: { team: 'core', env: 'prod' }, tools: ['Grep', 'Read'], prompt_tokens: 50000, output_tokens: 300 },
  { id: 2, task_type: 'feature', tier: 2, model: 'claude-opus-4-6', provider: 'anthropic', source: 'claude-code', api_key: 'key-b', project: 'api', tags: { team: 'infra' }, tools: ['Edit', 'mcp__github__pr'], prompt_tokens: 180000, output_tokens: 4000 },
  { id: 3, task_type: 'architecture', tier: 3, model: 'gpt-5', provider: 'openai', source: 'codex', api_key: 'key-a', project: 'web', tags: { team: 'core', priority: 1 }, tools: [], prompt_tokens: 150000, output_tokens: 12000 },
  { id: 4, task_type: null, tier: null, model: 'claude-haiku-4-5', provider: 'anthropic', source: 'litellm', api_key: null, project: null, tags: null, tools: null, prompt_tokens: 1200, output_tokens: 80 },
  { id: 5, task_type: 'docs', tier: 1, model: 'gemini-2.5-pro', provider: 'google', source: 'gemini', api_key: 'Key-C', project: 'docs', tags: {}, tools: ['Read'], prompt_tokens: 0, output_tokens: 0 },
];
const table: [string, number[]][] = [
  ['{ task_type: search }', [1]],
  ['{ task_type: { $eq: search } }', [1]],
  ['{ task_type: { $ne: search } }', [2, 3, 4, 5]],
  ['{ task_type: { $in: [search, docs] } }', [1, 5]],
  ['{ task_type: { $nin: [search, docs] } }', [2, 3, 4]],
  ['{ tier: { $gt: 1 } }', [2, 3]],
  ['{ tier: { $gte: 2 } }', [2, 3]],
  ['{ tier: { $lt: 2 } }', [1, 5]],
  ['{ tier: { $lte: 2 } }', [1, 2, 5]],
  ['{ tier: { $ne: 1 } }', [2, 3, 4]],
  ['{ tier: { $in: [1, 3] } }', [1, 3, 5]],
  ['{ prompt_tokens: { $gte: 150000 } }', [2, 3]],
  ['{ prompt_tokens: { $gt: 1000, $lt: 160000 } }', [1, 3, 4]],
  ['{ output_tokens: { $lte: 300 } }', [1, 4, 5]],
  ["{ model: { $regex: '^claude-' } }", [1, 2, 4]],
  ["{ model: { $regex: 'OPUS' } }", [2]],
  ['{ model: claude-sonnet-4.5 }', [1]],
  ['{ provider: anthropic, source: claude-code }', [1, 2]],
  ["{ api_key: { $regex: '^key-' } }", [1, 2, 3, 5]],
  ['{ api_key: key-a }', [1, 3]],
  ['{ project: { $nin: [web] } }', [2, 4, 5]],
  ['{ tags.team: core }', [1, 3]],
  ['{ tags.team: { $ne: core } }', [2, 4, 5]],
  ['{ tags.priority: 1 }', [3]],
  ["{ tags.env: { $regex: '^pr' } }", [1]],
  ['{ tags.team: { $in: [infra, ops] } }', [2]],
  ['{ tools: Read }', [1, 5]],
  ['{ tools: { $ne: Read } }', [2, 3, 4]],
  ['{ tools: { $in: [Grep, Edit] } }', [1, 2]],
  ['{ tools: { $nin: [Grep, Edit] } }', [3, 4, 5]],
  ["{ tools: { $regex: '^mcp__' } }", [2]],
  ['{ tools: { $only: [Grep, Read] } }', [1, 5]],
  ['{ tools: { $prefix: mcp__ } }', [2]],
  ['{ tools: { $prefix: MCP__ } }', []],
  ['{ model: { $prefix: claude- } }', [1, 2, 4]],
  ['{ project: { $exists: false } }', [4]],
  ['{ tags.team: { $exists: true } }', [1, 2, 3]],
  ['{ tools: { $exists: false } }', [4]],
  ['{ $or: [{ tier: 3 }, { tools: { $in: [Grep] } }] }', [1, 3]],
  ['{ $and: [{ provider: anthropic }, { tier: { $gte: 2 } }] }', [2]],
  ['{ $or: [{ $and: [{ project: web }, { tier: 1 }] }, { $and: [{ tags.team: infra }, { prompt_tokens: { $gt: 100000 } }] }] }', [1, 2]],
  ['{ $and: [{ $or: [{ model: gpt-5 }, { model: gemini-2.5-pro }] }, { output_tokens: { $gt: 0 } }] }', [3]],
  ['{ provider: anthropic, $or: [{ task_type: { $in: [search] } }, { task_type: { $nin: [search, feature] } }] }', [1, 4]],
];
const parsed = table.map(([when, ids]) => ({ when, ids, cond: cond(when) }));

describe('matchesCondition', () => {
  it.each(parsed.map((p) => [p.when, p] as const))('%s', (_w, { cond: c, ids }) => {
    expect(rows.filter((r) => matchesCondition(c, r)).map((r) => r.id)).toEqual(ids);
  });
  it('covers every operator', () => {
    const ops = new Set<string>();
    const walk = (c: Condition): void => {
      ops.add(c.op);
      if ('args' in c) c.args.forEach(walk);
    };
    parsed.forEach((p) => walk(p.cond));
    expect([...ops].sort()).toEqual(['$and', '$eq', '$exists', '$gt', '$gte', '$in', '$lt', '$lte', '$ne', '$nin', '$only', '$or', '$prefix', '$regex'].sort());
  });
  it('an empty $and (a default rule) matches everything', () => {
    expect(rows.every((r) => matchesCondition({ op: '$and', args: [] }, r))).toBe(true);
  });
  it('accepts tags as JSON text and counts as bigint, as DuckDB returns them', () => {
    expect(matchesCondition(cond('{ tags.team: core, prompt_tokens: { $gt: 10 } }'), { tags: '{"team":"core"}', prompt_tokens: 11n })).toBe(true);
  });
});

describe('conditionToSql agrees with matchesCondition in DuckDB', () => {
  let ledger: Ledger;
  const lit = (v: unknown): string => (v == null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  beforeAll(async () => {
    ledger = await newLedger();
    await ledger.run(`CREATE TEMP TABLE cond_rows (id INTEGER, task_type VARCHAR, tier INTEGER, model VARCHAR, provider VARCHAR, source VARCHAR, api_key VARCHAR,
      project VARCHAR, tags JSON, tools VARCHAR[], prompt_tokens BIGINT, output_tokens BIGINT)`);
    for (const r of rows) {
      const tools = r.tools == null ? 'NULL' : `[${r.tools.map(lit).join(', ')}]::VARCHAR[]`;
      const tags = r.tags == null ? 'NULL' : `${lit(JSON.stringify(r.tags))}::JSON`;
      await ledger.run(
        `INSERT INTO cond_rows VALUES (${r.id}, ${lit(r.task_type)}, ${lit(r.tier)}, ${lit(r.model)}, ${lit(r.provider)}, ${lit(r.source)}, ${lit(r.api_key)}, ${lit(r.project)}, ${tags}, ${tools}, ${lit(r.prompt_tokens)}, ${lit(r.output_tokens)})`,
      );
    }
  });
  afterAll(() => ledger?.close());

  it.each(parsed.map((p) => [p.when, p] as const))('%s', async (_w, { cond: c, ids }) => {
    const { sql, params } = conditionToSql(c);
    expect(Object.keys(params)).toEqual(Object.keys(params).map((_, i) => `p${i}`));
    expect(sql.replaceAll("'$.'", '').replaceAll("'i'", '')).not.toContain("'"); // no inlined values: only the '$.' path prefix and the 'i' flag
    const got = await ledger.all<{ id: number }>(`SELECT id FROM cond_rows WHERE ${sql} ORDER BY id`, params);
    expect(got.map((r) => Number(r.id))).toEqual(ids);
    expect(got.map((r) => Number(r.id))).toEqual(rows.filter((r) => matchesCondition(c, r)).map((r) => r.id));
  });
  it('an empty $and is true', () => {
    expect(conditionToSql({ op: '$and', args: [] })).toEqual({ sql: 'true', params: {} });
  });
});

it('policy files live where the brief says', () => {
  expect(fs.existsSync(path.join(samples('policies'), 'identity.yaml'))).toBe(true);
});
