import { describe, expect, it } from 'vitest';
import { Pseudonyms } from '../../src/report/redact.js';

describe('--redact pseudonyms', () => {
  it('gives one value one name per kind, numbered in first-seen order', () => {
    const p = new Pseudonyms();
    expect(p.of('session', 'a6deca95-bec2')).toBe('session-1');
    expect(p.of('session', 'f3a1c9e0')).toBe('session-2');
    expect(p.of('session', 'a6deca95-bec2')).toBe('session-1');
    expect(p.of('project', 'acme-api')).toBe('project-1');
    expect(p.of('key', 'key_Mh4Vz8Qc1Xs6Jn3P')).toBe('key-1');
  });

  it('keeps only a file extension of a path, and the placeholders queries write for missing values', () => {
    const p = new Pseudonyms();
    expect(p.of('file', '/home/ann/acme-secret/console-cost.csv')).toBe('file-1.csv');
    expect(p.of('file', '/logs/bedrock/2026/10/part.jsonl.gz')).toBe('file-2.jsonl.gz');
    expect(p.of('file', '/logs/Makefile')).toBe('file-3');
    expect(p.of('project', '(no project)')).toBe('(no project)');
    expect(p.of('user', '(no user)')).toBe('(no user)');
  });

  it('redacts the identifier columns of query rows, lists item by item, and leaves the rest alone', () => {
    const p = new Pseudonyms();
    const [row] = p.rows([
      { session_id: 'sess-9', projects: ['acme-api', 'acme-web', null], api_key: 'key_abc', user_id: 'ann@acme.example', path: '/x/y.json', model: 'gpt-5', cost_usd: 1.5 },
    ]);
    expect(row).toEqual({ session_id: 'session-1', projects: ['project-1', 'project-2', null], api_key: 'key-1', user_id: 'user-1', path: 'file-1.json', model: 'gpt-5', cost_usd: 1.5 });
    expect(p.row({ per: 'project', budget_key: 'acme-web' }).budget_key).toBe('project-2');
    expect(p.row({ per: 'api_key', budget_key: 'key_abc' }).budget_key).toBe('key-1');
  });
});
