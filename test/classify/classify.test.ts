import { describe, expect, it } from 'vitest';
import { classifyLedger, ledgerRules, storeRules } from '../../src/classify/classify.js';
import { parseRules, readRules } from '../../src/classify/rules.js';
import type { Ledger } from '../../src/db/ledger.js';
import { importPaths, newLedger, samples, writeTemp } from '../helpers.js';

/** A ledger row as an import stores it: its prompt's md5 in usage, the text once in prompts. */
async function row(ledger: Ledger, key: string, fields: { tools?: string[]; prompt?: string; tags?: Record<string, string>; api_key?: string; model?: string }) {
  if (fields.prompt) {
    await ledger.run('INSERT INTO prompts SELECT md5($prompt), $prompt WHERE md5($prompt) NOT IN (SELECT prompt_hash FROM prompts)', { prompt: fields.prompt });
  }
  await ledger.run(
    `INSERT INTO usage (record_key, source, import_id, started_at, provider, model, model_raw, requests, tools, prompt_hash, tags, api_key)
     VALUES ($key, 'test', 'imp', TIMESTAMPTZ '2026-10-01 00:00:00+00', 'anthropic', $model, $model, 1, $tools::VARCHAR[], md5($prompt), $tags::JSON, $api_key)`,
    {
      key,
      model: fields.model ?? 'claude-opus-4-6',
      tools: fields.tools ? JSON.stringify(fields.tools) : null,
      prompt: fields.prompt ?? null,
      tags: fields.tags ? JSON.stringify(fields.tags) : null,
      api_key: fields.api_key ?? null,
    },
  );
}

async function labels(ledger: Ledger) {
  return Object.fromEntries(
    (await ledger.all<{ record_key: string; task_type: string; tier: number | null }>('SELECT record_key, task_type, tier FROM usage ORDER BY record_key')).map((r) => [
      r.record_key,
      `${r.task_type}/${r.tier ?? '-'}`,
    ]),
  );
}

describe('default task-type rules', () => {
  it('labels coding-agent steps by tools first, then by the turn prompt, then key names', async () => {
    const ledger = await newLedger();
    await row(ledger, 'nav', { tools: ['Read', 'Glob'], prompt: 'refactor the auth module across services' });
    await row(ledger, 'grep', { tools: ['Grep', 'Read'] });
    await row(ledger, 'grep-edit', { tools: ['Grep', 'Edit'], prompt: 'fix the flaky retry test' });
    await row(ledger, 'arch', { tools: ['Edit'], prompt: 'We need a design doc: should we adopt event sourcing?' });
    await row(ledger, 'refactor', { tools: ['Edit'], prompt: 'refactor the auth module across services' });
    await row(ledger, 'tests', { tools: ['Write'], prompt: 'write unit tests for parseInvoice' });
    await row(ledger, 'docs', { prompt: 'add docstrings to the public functions' });
    await row(ledger, 'edit-only', { tools: ['Edit'] });
    await row(ledger, 'mcp', { tools: ['mcp__github__get_issue'] });
    await row(ledger, 'triage', { tags: { task: 'ticket-triage' } });
    await row(ledger, 'summary-key', { api_key: 'nightly-summarizer' });
    await row(ledger, 'nothing', {});
    await row(ledger, 'ran-tests', { tools: ['Bash', 'Bash:test'] });
    await row(ledger, 'words-inside-words', { prompt: 'what information is different at this address?' });
    await classifyLedger(ledger, readRules());
    expect(await labels(ledger)).toEqual({
      arch: 'architecture/3',
      docs: 'docs/1',
      'edit-only': 'feature/2',
      grep: 'search/1',
      'grep-edit': 'bug_fix/2',
      mcp: 'tool_use/2',
      nav: 'file_navigation/1',
      nothing: 'unclassified/-',
      refactor: 'cross_codebase_refactor/3',
      'summary-key': 'summarization/1',
      tests: 'unit_tests/2',
      triage: 'classification/1',
      'ran-tests': 'unit_tests/2',
      'words-inside-words': 'unclassified/-', // no 'format', 'diff' or 'add' hiding inside longer words
    });
  });

  it('labels the Claude Code sample on import, and coverage is what was matched', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('claude-code')]);
    const byType = await ledger.all<{ task_type: string; n: number }>('SELECT task_type, count(*) AS n FROM usage GROUP BY ALL ORDER BY n DESC, task_type');
    expect(byType.reduce((a, r) => a + r.n, 0)).toBe(58);
    expect(byType.find((r) => r.task_type === 'file_navigation')?.n).toBeGreaterThan(0);
    expect(byType.find((r) => r.task_type === 'unclassified')?.n ?? 0).toBeLessThan(58 * 0.2);
  });
});

describe('Bash running tests', () => {
  it('marks a Claude Code response whose Bash call ran the test suite', async () => {
    const line = (id: string, command: string) =>
      JSON.stringify({
        type: 'assistant', sessionId: 's', uuid: id, timestamp: '2026-10-22T10:00:05.000Z', requestId: `req_${id}`,
        message: { id: `msg_${id}`, model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: `toolu_${id}`, name: 'Bash', input: { command } }],
          usage: { input_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 40 } },
      });
    const file = writeTemp('t.jsonl', [line('a', 'cd api && npm test -- --run'), line('b', 'python -m pytest -q tests/'), line('c', 'git status'), line('d', 'cat latest-test-output.txt')].join('\n'));
    const ledger = await newLedger();
    await importPaths(ledger, [file]);
    expect(await ledger.all('SELECT record_key, tools, task_type FROM usage ORDER BY record_key')).toEqual([
      { record_key: 'msg:msg_a', tools: ['Bash', 'Bash:test'], task_type: 'unit_tests' },
      { record_key: 'msg:msg_b', tools: ['Bash', 'Bash:test'], task_type: 'unit_tests' },
      { record_key: 'msg:msg_c', tools: ['Bash'], task_type: 'unclassified' },
      { record_key: 'msg:msg_d', tools: ['Bash'], task_type: 'unclassified' },
    ]);
  });
});

describe('user rules', () => {
  it('re-labels in place and are remembered for later imports', async () => {
    const ledger = await newLedger();
    await importPaths(ledger, [samples('claude-code', 'projects', '-home-dev-acme-web')]);
    const mine = 'version: 1\nrules:\n  - { name: everything-opus, task_type: heavy, tier: 3, when: { model: "opus" } }\n  - { name: rest, task_type: light, tier: 1, when: {} }\n';
    const set = { label: 'mine.yaml', text: mine, rules: parseRules(mine, 'mine.yaml') };
    await classifyLedger(ledger, set.rules);
    await storeRules(ledger, set);
    expect(await ledger.all('SELECT DISTINCT task_type, tier FROM usage')).toEqual([{ task_type: 'light', tier: 1 }]);

    await importPaths(ledger, [samples('claude-code', 'projects', '-home-dev-acme-api')]);
    const after = await ledger.all('SELECT DISTINCT task_type, tier FROM usage ORDER BY tier');
    expect(after).toEqual([{ task_type: 'light', tier: 1 }, { task_type: 'heavy', tier: 3 }]);
    expect((await ledgerRules(ledger)).label).toBe('mine.yaml');
  });

  it('keeps first-match order inside a run of regex rules on one column (gated by one regex)', async () => {
    const ledger = await newLedger();
    await row(ledger, 'both', { prompt: 'Tests for the parser, then review', api_key: 'k-digest' }); // 'review' is rule 1, 'tests' rule 2
    await row(ledger, 'second', { prompt: 'write TESTS please' });
    await row(ledger, 'neither', { prompt: 'hello', api_key: 'k-digest' });
    await row(ledger, 'key', { api_key: 'K-CHAT-1' });
    await row(ledger, 'none', {});
    const mine = [
      'rules:',
      '  - { name: review, task_type: review, tier: 2, when: { prompt: "\\\\breview\\\\b" } }',
      '  - { name: tests, task_type: tests, tier: 2, when: { prompt: "tests?" } }',
      '  - { name: opus, task_type: big, tier: 3, when: { model: "sonnet" } }',
      '  - { name: digest, task_type: digest, tier: 1, when: { api_key: "digest|summar" } }',
      '  - { name: chat, task_type: chat, tier: 1, when: { api_key: "chat" } }',
    ].join('\n');
    await classifyLedger(ledger, parseRules(mine, 'mine.yaml'));
    expect(await labels(ledger)).toEqual({
      both: 'review/2',
      second: 'tests/2',
      neither: 'digest/1',
      key: 'chat/1',
      none: 'unclassified/-',
    });
  });

  it('splits a long run of regex rules into several gates and still labels by the first match', async () => {
    const ledger = await newLedger();
    await row(ledger, 'r7', { prompt: 'please word7 and word30' });
    await row(ledger, 'r30', { prompt: 'only word30 here' });
    await row(ledger, 'none', { prompt: 'nothing' });
    const filler = Array.from({ length: 40 }, (_, k) => `zz${k}q`).join('|'); // ~250 characters per pattern
    const rules = Array.from({ length: 32 }, (_, k) => `  - { name: r${k}, task_type: t${k}, tier: 1, when: { prompt: "\\\\bword${k}\\\\b|${filler}" } }`);
    await classifyLedger(ledger, parseRules(['rules:', ...rules].join('\n'), 'long.yaml'));
    expect(await labels(ledger)).toEqual({ r7: 't7/1', r30: 't30/1', none: 'unclassified/-' });
  });

  it('labels once per distinct prompt and tools as row by row: prompt rules in a run, and one that also tests tools', async () => {
    const ledger = await newLedger();
    await row(ledger, 'r1', { prompt: 'alpha beta', tools: ['Edit'] });
    await row(ledger, 'r2', { prompt: 'beta', tools: ['Edit'] });
    await row(ledger, 'r3', { prompt: 'beta', tools: ['Read'] }); // the same prompt, other tools
    await row(ledger, 'r4', { prompt: 'gamma', tools: ['Read'] });
    await row(ledger, 'r5', { prompt: 'delta', tools: ['Read'] });
    await row(ledger, 'r6', { prompt: 'delta' });
    await row(ledger, 'r7', { tools: ['Edit'] });
    const mine = [
      'rules:',
      '  - { name: a, task_type: a, tier: 1, when: { prompt: "alpha" } }',
      '  - { name: b, task_type: b, tier: 1, when: { prompt: "beta", tools_any: [Edit] } }',
      '  - { name: c, task_type: c, tier: 2, when: { prompt: "beta|gamma" } }',
      '  - { name: d, task_type: d, tier: 3, when: { tools_any: [Read] } }',
      '  - { name: e, task_type: e, tier: 3, when: { prompt: "delta" } }',
    ].join('\n');
    await classifyLedger(ledger, parseRules(mine, 'mine.yaml'));
    expect(await labels(ledger)).toEqual({ r1: 'a/1', r2: 'b/1', r3: 'c/2', r4: 'c/2', r5: 'd/3', r6: 'e/3', r7: 'unclassified/-' });
  });

  it.each([
    ['rules:\n  - { name: a, task_type: Bad-Type, tier: 1 }\n', ":2: rule 'a': task_type must be snake_case"],
    ['rules:\n  - { name: a, task_type: x, tier: 4 }\n', ":2: rule 'a': tier must be 1, 2 or 3"],
    ['rules:\n  - { name: a, task_type: x, tier: 1 }\n  - { name: b, task_type: y, tier: 1, when: { toolz: [Read] } }\n', ":3: rule 'b': unknown condition 'toolz'"],
    ['rules:\n  - { name: a, task_type: x, tier: 1, when: { prompt: "(unclosed" } }\n', ":2: rule 'a': prompt is not a valid pattern"],
    ['rules: []\n', ': no rules'],
  ])('names the file and line of a mistake: %#', (text, message) => {
    const file = writeTemp('rules.yaml', text);
    expect(() => readRules(file)).toThrow(message);
  });
});

describe('task-type rules in the one condition language', () => {
  it('the shorthand becomes conditions: tools as $in/$only/$nin/$prefix, patterns as $regex (a missing value reads as "")', async () => {
    const { matchesCondition } = await import('../../src/conditions/evaluate.js');
    const [rule] = parseRules("rules:\n  - { name: a, task_type: a, tier: 1, when: { tools_only: [Read, Grep], tool_prefix: Re, project: '^$' } }\n", 'r.yaml');
    expect(rule.condition).toEqual({
      op: '$and',
      args: [
        { op: '$only', field: 'tools', values: ['Read', 'Grep'] },
        { op: '$prefix', field: 'tools', value: 'Re' },
        { op: '$or', args: [{ op: '$exists', field: 'project', exists: false }, { op: '$regex', field: 'project', pattern: '^$' }] },
      ],
    });
    expect(matchesCondition(rule.condition, { tools: ['Read'], project: null })).toBe(true);
    expect(matchesCondition(rule.condition, { tools: ['Read', 'Edit'] })).toBe(false);
    expect(matchesCondition(rule.condition, { tools: ['Grep'] })).toBe(false); // no tool starts with Re
    expect(matchesCondition(rule.condition, { tools: ['Read'], project: 'web' })).toBe(false);
  });
  it('refuses a pattern DuckDB cannot run, naming the line', () => {
    expect(() => parseRules("rules:\n  - { name: a, task_type: a, tier: 1, when: { model: 'a(?=b)' } }\n", 'r.yaml')).toThrow("r.yaml:2: rule 'a': model uses a lookaround or back-reference");
  });
});
