import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFileStates } from '../../src/import/file-state.js';
import { importPaths, newLedger, samples, tempDir } from '../helpers.js';

const SAMPLE_FILE = samples('claude-code', 'projects', '-home-dev-acme-web', '6661f48b-9a43-434a-af39-b2191812d92a.jsonl');

/** A file's stat as the import finds it. */
function found(file: string) {
  const st = fs.statSync(file);
  return { path: file, size: st.size, mtimeMs: st.mtimeMs };
}

describe('loadFileStates', () => {
  it('compares every remembered stat, and reads the whole state only of a file whose stat differs', async () => {
    const dir = tempDir();
    const same = path.join(dir, 'same.jsonl');
    const grown = path.join(dir, 'grown.jsonl');
    const unknown = path.join(dir, 'unknown.jsonl');
    for (const f of [same, grown]) fs.copyFileSync(SAMPLE_FILE, f);
    const ledger = await newLedger();
    await importPaths(ledger, [dir]);
    fs.appendFileSync(grown, fs.readFileSync(SAMPLE_FILE, 'utf8').split('\n')[0] + '\n');
    fs.copyFileSync(SAMPLE_FILE, unknown);

    const states = await loadFileStates(ledger, [same, grown, unknown].map(found));
    expect([...states.keys()].sort()).toEqual([grown, same]);
    // as recorded: its stat, format and count, without what only reading it from an offset needs
    expect(states.get(same)).toEqual({
      path: same, format: 'claude-code', size_bytes: fs.statSync(same).size, mtime_ms: fs.statSync(same).mtimeMs,
      head_hash: null, tail_hash: null, consumed_bytes: null, consumed_lines: null, import_id: null, read_at: null, unchanged_imports: 0,
    });
    // grown since: the state as remembered, with its hashes and offsets for a read from where it stopped
    const before = states.get(grown)!;
    expect(before.size_bytes).toBe(fs.statSync(SAMPLE_FILE).size);
    expect(before.consumed_bytes).toBe(fs.statSync(SAMPLE_FILE).size);
    expect(before.head_hash).toMatch(/^[0-9a-f]{40}$/);
    expect(before.tail_hash).toMatch(/^[0-9a-f]{40}$/);
    expect(before.import_id).toMatch(/^imp_/);
    expect(before.read_at).toBeInstanceOf(Date);
    expect(await loadFileStates(ledger, [])).toEqual(new Map());
    ledger.close();
  });
});
