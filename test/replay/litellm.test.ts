import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecountError } from '../../src/errors.js';
import { loadPriceBook } from '../../src/pricing/install.js';
import { litellmConfig } from '../../src/replay/litellm-write.js';
import { readPolicy, type Policy } from '../../src/replay/policy.js';
import { samples, tempDir, writeTemp } from '../helpers.js';

const book = loadPriceBook('');
const dir = tempDir('recount-litellm-');
let n = 0;
const sample = samples('policies', 'litellm_config.yaml');
const read = (text: string) => readPolicy(writeTemp(`l${n++}.yaml`, text, dir), book);

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

const MODELS = `model_list:
  - model_name: cheap
    litellm_params: { model: anthropic/claude-haiku-4-5 }
  - model_name: strong
    litellm_params: { model: anthropic/claude-opus-4-6 }
`;

describe('a LiteLLM proxy config as a policy', () => {
  it('reads the sample: aliases become models, fallbacks escalate after num_retries + 1 failures', () => {
    const p = readPolicy(sample, book);
    expect(p.name).toBe('litellm_config');
    expect(p.rules.map((r) => [r.name, r.route?.model ?? null, r.route?.scope ?? null, r.escalate])).toEqual([
      ['tier-1', 'claude-haiku-4-5', 'subagent', { to: 'claude-sonnet-4-5', afterFailures: 2 }],
      ['tier-2', 'claude-sonnet-4-5', 'switch', { to: 'claude-opus-4-6', afterFailures: 2 }],
      ['tier-3', 'claude-opus-4-6', 'switch', null],
      ['unclassified', null, null, null],
    ]);
    expect(p.rules[0].when).toEqual({ op: '$and', args: [{ op: '$eq', field: 'provider', value: 'anthropic' }, { op: '$eq', field: 'tier', value: 1 }] });
    // assumptions may name aliases too
    expect(Object.keys(p.assumptions.failRate).sort()).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5']);
  });

  it('lists what it does not read, by key with its lines, instead of dropping it silently', () => {
    const w = readPolicy(sample, book).warnings!;
    expect(w).toContain(`${sample}:12,16,20: litellm_params.api_key is not read (no effect on the replay)`);
    expect(w).toContain(`${sample}:25: router_settings.timeout is not read by the replay`);
    expect(w).toContain(`${sample}:30: general_settings has no effect on what requests cost`);
    expect(w).toHaveLength(3);
    // a plain policy has none
    expect(readPolicy(samples('policies', 'task-tiers.yaml'), book).warnings).toBeUndefined();
  });

  it('replays the same rules as the equivalent plain policy (same fingerprint)', () => {
    const viaLitellm = read(`${MODELS}router_settings:\n  num_retries: 2\n  fallbacks: [{ cheap: [strong] }]\nrecount:\n  version: 1\n  rules:\n    - { name: small, when: { tier: 1 }, route: { model: cheap } }\n    - { name: default }\n`);
    const plain = read('version: 1\nrules:\n  - name: small\n    when: { tier: 1 }\n    route: { model: claude-haiku-4-5 }\n    escalate: { to: claude-opus-4-6, after_failures: 3 }\n  - { name: default }\n');
    expect(viaLitellm.fingerprint).toBe(plain.fingerprint);
  });

  it('takes fallbacks and num_retries from litellm_settings when the router has none; no retries escalates after one failure', () => {
    const p = read(`${MODELS}litellm_settings:\n  fallbacks: [{ cheap: [strong] }]\n  drop_params: true\nrecount:\n  version: 1\n  rules:\n    - { name: small, when: { tier: 1 }, route: { model: cheap } }\n    - { name: default }\n`);
    expect(p.rules[0].escalate).toEqual({ to: 'claude-opus-4-6', afterFailures: 1 });
    expect(p.warnings!.some((w) => w.includes('litellm_settings.drop_params'))).toBe(true);
  });

  const cases: [string, string, number, string][] = [
    ['no recount section', `${MODELS}`, 1, 'a LiteLLM config needs a recount: section'],
    ['fallback to an unknown alias', `${MODELS}router_settings:\n  fallbacks:\n    - cheap: [strongest]\nrecount: { version: 1, rules: [{ name: default }] }\n`, 8, "fallback 'strongest' is not a model_name in model_list"],
    ['a rule escalating on its own', `${MODELS}recount:\n  version: 1\n  rules:\n    - name: small\n      route: { model: cheap }\n      escalate: { to: strong, after_failures: 2 }\n`, 11, 'a route in a LiteLLM config escalates through router_settings.fallbacks'],
    ['negative retries', `${MODELS}router_settings:\n  num_retries: -1\nrecount: { version: 1, rules: [{ name: default }] }\n`, 7, 'num_retries -1 is not a whole number'],
    ['a deployment without a model', 'model_list:\n  - model_name: cheap\n    litellm_params: { api_key: x }\nrecount: { version: 1, rules: [{ name: default }] }\n', 3, 'litellm_params needs model'],
    ['a route to an unpriced alias', 'model_list:\n  - model_name: local\n    litellm_params: { model: ollama/my-llm }\nrecount: { version: 1, rules: [{ name: default, route: { model: local } }] }\n', 4, "model 'local' has no price (looked up as my-llm)"],
  ];
  it.each(cases)('errors name file:line: %s', (_label, text, line, message) => {
    const { file, err } = errorOf(text);
    expect(err.message.startsWith(`${file}:${line}: ${message}`), err.message).toBe(true);
    expect(err.hint).toBeTruthy();
  });
});

describe('--emit-litellm: a policy as a LiteLLM config, and back', () => {
  const roundTrip = (p: Policy): { text: string; back: Policy } => {
    const text = litellmConfig(p, book);
    return { text, back: read(text) };
  };

  it.each(['task-tiers', 'cheap-by-default', 'identity', 'budget-cap', 'stable-prefix', 'compact-long-context', 'litellm_config'])('%s reads back to the same policy', (name) => {
    const p = readPolicy(samples('policies', `${name}.yaml`), book);
    const { back } = roundTrip(p);
    expect(back.rules).toEqual(p.rules);
    expect(back.budgets).toEqual(p.budgets);
    expect(back.assumptions).toEqual(p.assumptions);
    expect(back.fingerprint).toBe(p.fingerprint);
  });

  it('names tiers by price, falls back along the escalations and keeps the routes in recount:', () => {
    const { text } = roundTrip(readPolicy(samples('policies', 'cheap-by-default.yaml'), book));
    expect(text).toMatch(/- model_name: tier1\n {4}litellm_params:\n {6}model: openai\/gpt-5-mini\n {6}api_key: os.environ\/OPENAI_API_KEY/);
    expect(text).toContain('model: anthropic/claude-haiku-4-5');
    expect(text).toMatch(/num_retries: 1\n/);
    const sonnetFree = text.split('\nrecount:')[0];
    expect(sonnetFree).not.toContain('sonnet');
    expect(text).toMatch(/fallbacks:\n(\s+- tier\d: \[ tier\d \]\n){2}/);
  });

  it('refuses what LiteLLM cannot express, naming the rule', () => {
    const p = read('version: 1\nrules:\n  - { name: a, when: { tier: 1 }, route: { model: claude-haiku-4-5 }, escalate: { to: claude-opus-4-6, after_failures: 2 } }\n  - { name: b, when: { tier: 2 }, route: { model: claude-haiku-4-5 } }\n  - { name: default }\n');
    expect(() => litellmConfig(p, book)).toThrow("rules 'a' and 'b' both route to claude-haiku-4-5 but escalate differently");
    const q = read('version: 1\nrules:\n  - { name: default, escalate: { to: claude-opus-4-6, after_failures: 2 } }\n');
    expect(() => litellmConfig(q, book)).toThrow("rule 'default' escalates without a route");
  });

  it('the CLI writes the first policy as a config and prints a LiteLLM policy\'s warnings on stderr', async () => {
    const { runCli } = await import('../helpers.js');
    const db = path.join(dir, 'cli.duckdb');
    expect(runCli(['import', samples('anthropic'), '--db', db]).status).toBe(0);
    const out = path.join(dir, 'out', 'litellm.yaml');
    const r = runCli(['whatif', '--db', db, '--policy', samples('policies', 'task-tiers.yaml'), '--policy', sample, '--emit-litellm', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${out}`);
    expect(r.stderr).toContain(`warning: ${sample}:12,16,20: litellm_params.api_key is not read`);
    expect(r.stdout).toContain('── litellm_config: The three LiteLLM tiers');
    expect(readPolicy(out, book).fingerprint).toBe(readPolicy(samples('policies', 'task-tiers.yaml'), book).fingerprint);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^# task-tiers as a LiteLLM proxy config/);
  });
});
