import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newLedger, samples, tempDir } from '../helpers.js';
import type { Ledger } from '../../src/db/ledger.js';
import { sql } from '../../src/db/sql.js';
import { storeRules } from '../../src/classify/classify.js';
import { withRuleIndex } from '../../src/classify/compile.js';
import { DEFAULT_RULES_FILE, readRules, type TaskRule } from '../../src/classify/rules.js';
import { discoverFiles } from '../../src/import/discover.js';
import { importFiles } from '../../src/import/import-run.js';
import { importRules, rulesKey } from '../../src/import/rules-cache.js';
import { loadCatalog } from '../../src/pricing/catalog.js';
import { ccAssistant, ccUser } from '../importers/util.js';

// An import keeps the task-type rules it parsed in the ledger (src/import/rules-cache.ts), keyed by the
// rules' text and the parser's code, so the next import neither loads yaml nor parses them again.

const importDir = (ledger: Ledger, dir: string) =>
  importFiles(ledger, discoverFiles([dir]), { modelIds: loadCatalog().modelIds, now: new Date('2026-11-15T12:00:00Z'), incremental: true });

const stored = async (ledger: Ledger) =>
  (await ledger.all<{ value: string }>(sql('ledger/get_setting'), { key: 'task_rules_parsed' }))[0]?.value;

/** The sample transcripts in a temp folder, and a function that adds a new session (new responses) to it. */
function transcripts(): { dir: string; addSession: (name: string) => void } {
  const dir = path.join(tempDir(), 'projects');
  fs.cpSync(samples('claude-code', 'projects'), dir, { recursive: true });
  const addSession = (name: string) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, `${name}.jsonl`), [
      ccUser('add a retry to the upload', '2026-11-02T10:00:00Z', { sessionId: name }),
      ccAssistant({ msgId: `msg_${name}`, ts: '2026-11-02T10:00:05Z', sessionId: name, usage: { output: 12 } }),
      '',
    ].join('\n'));
  };
  return { dir, addSession };
}

const labels = (ledger: Ledger, folder: string) =>
  ledger.all<{ task_type: string }>(`SELECT DISTINCT task_type FROM usage WHERE source_file LIKE '%/${folder}/%' ORDER BY 1`);

describe('parsed rules kept in the ledger', () => {
  it('the bundled rules as parsed compile to the same SQL after their round trip through JSON', () => {
    const rules = readRules();
    const back = JSON.parse(JSON.stringify(rules)) as TaskRule[];
    expect(back).toEqual(rules);
    const statement = sql('import/insert_staged_usage');
    const inputs = { model: 'coalesce(map_extract_value($model_map, model_raw), model_raw)' };
    expect(withRuleIndex(statement, back, inputs)).toEqual(withRuleIndex(statement, rules, inputs));
  });

  it('an import stores them; the next one labels with what is stored under the same key', async () => {
    const { dir, addSession } = transcripts();
    const ledger = await newLedger();
    expect(await importRules(ledger)).toMatchObject({ remember: expect.any(String) });
    await importDir(ledger, dir);
    const value = JSON.parse((await stored(ledger))!) as { key: string; rules: TaskRule[] };
    expect(value.key).toBe(rulesKey(fs.readFileSync(DEFAULT_RULES_FILE, 'utf8')));
    expect(value.rules).toEqual(readRules());
    // read from the bundled file's text and found under its key: not parsed, nothing to store
    expect(await importRules(ledger)).toEqual({ rules: readRules() });

    // the stored rules are what labels (every rule now says 'remembered'): they were not parsed again
    const marked = value.rules.map((r) => ({ ...r, taskType: 'remembered' }));
    await ledger.run(sql('ledger/put_setting'), { key: 'task_rules_parsed', value: JSON.stringify({ key: value.key, rules: marked }) });
    addSession('-home-dev-one');
    await importDir(ledger, dir);
    expect(await labels(ledger, '-home-dev-one')).toEqual([{ task_type: 'remembered' }]);
  });

  it('parses again when the rules, the key or the stored value changed', async () => {
    const { dir, addSession } = transcripts();
    const ledger = await newLedger();
    await importDir(ledger, dir);

    // another rule set (recount classify --rules): another key, parsed and stored
    const text = 'version: 1\nrules:\n  - { name: all, task_type: everything, tier: 2, when: {} }\n';
    await storeRules(ledger, { label: 'mine.yaml', text, rules: [] });
    addSession('-home-dev-two');
    await importDir(ledger, dir);
    expect(await labels(ledger, '-home-dev-two')).toEqual([{ task_type: 'everything' }]);
    expect(JSON.parse((await stored(ledger))!).key).toBe(rulesKey(text));

    // a stale key or a value that is not JSON: parsed again, and stored again
    for (const value of [JSON.stringify({ key: 'stale', rules: [] }), 'not json']) {
      await ledger.run(sql('ledger/put_setting'), { key: 'task_rules_parsed', value });
      const again = await importRules(ledger);
      expect(again.rules.map((r) => r.taskType)).toEqual(['everything']);
      expect(JSON.parse(again.remember!).key).toBe(rulesKey(text));
    }
  });
});
