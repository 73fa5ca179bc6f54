import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTable } from '../../src/format/table.js';
import { wrapLine } from '../../src/format/output-options.js';
import { runCli, samples, tempDir } from '../helpers.js';

const longest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('renderTable fits a width', () => {
  const rows = [
    { name: 'claude-code', detail: 'Claude Code session transcripts, one JSON object per line', cost_usd: 1234.5, requests: 120_000, note: 'x'.repeat(40) },
    { name: 'openai-usage-csv', detail: 'OpenAI usage dashboard export', cost_usd: 2.25, requests: 3, note: 'short' },
  ];

  it('prints every column in full when it fits', () => {
    const out = renderTable(rows, undefined, { width: 400 });
    expect(out).toContain('Claude Code session transcripts, one JSON object per line');
    expect(out).not.toContain('…');
  });

  it('cuts long text with … first, then drops secondary columns, never the primary ones or a number', () => {
    const out = renderTable(rows, undefined, { width: 45, primary: ['cost_usd'] });
    expect(longest(out)).toBeLessThanOrEqual(45);
    expect(out).toMatch(/^name\s+/);
    expect(out).toContain('$1,234.50'); // numbers whole
    expect(out.replace(/\s+/g, ' ')).toContain('(1 column left out to fit 45 columns: note; --wide shows all)');
    expect(out).toContain('Claude Cod…');
  });

  it('keeps the declared column order of dropping: the highest priority number goes first', () => {
    const out = renderTable(rows, [{ key: 'name' }, { key: 'detail', priority: 0 }, { key: 'requests', priority: 2 }, { key: 'note', priority: 1 }], { width: 40 });
    expect(out.replace(/\s+/g, ' ')).toContain('(1 column left out to fit 40 columns: requests; --wide shows all)');
    expect(out.split('\n')[2]).toMatch(/…/);
  });

  it('an unlimited width (--wide) prints all', () => {
    expect(renderTable(rows, undefined, { width: Number.POSITIVE_INFINITY })).not.toContain('…');
  });

  it('wrapLine wraps prose at spaces and indents what follows', () => {
    expect(wrapLine('aaa bbb ccc ddd', 2, 8)).toEqual(['aaa bbb', '  ccc', '  ddd']);
    expect(wrapLine('short', 2, 80)).toEqual(['short']);
  });
});

describe('the CLI at 80 and 120 columns', () => {
  let db: string;
  beforeAll(() => {
    db = path.join(tempDir(), 'ledger.duckdb');
    const r = runCli(['import', samples('claude-code'), samples('openai'), samples('anthropic'), '--db', db]);
    expect(r.status, r.stderr).toBe(0);
  });

  it.each([80, 120])('%i columns: sources, prices, query, rejects, import and whatif fit', (columns) => {
    const env = { COLUMNS: String(columns) };
    const outputs = [
      runCli(['sources'], env),
      runCli(['prices'], env),
      runCli(['query'], env),
      runCli(['query', 'spend_by_model', '--db', db], env),
      runCli(['rejects', '--db', db], env),
      runCli(['whatif', '--db', db, '--policy', samples('policies', 'cheap-by-default.yaml'), '--policy', samples('policies', 'task-tiers.yaml')], env),
      runCli(['import', samples('litellm'), '--db', path.join(tempDir(), 'l.duckdb')], env),
    ];
    for (const r of outputs) {
      expect(r.status, r.stderr).toBe(0);
      expect(longest(r.stdout), r.stdout).toBeLessThanOrEqual(columns);
    }
    expect(outputs[1].stdout).toMatch(/^provider\s+model\s+.*\binput\s+output\b/m); // the primary columns stay
  }, 300_000);

  it('whatif fits 100 columns by default; --verbose lists every assumption as a table', () => {
    const args = ['whatif', '--db', db, '--policy', samples('policies', 'cheap-by-default.yaml')];
    const plain = runCli(args);
    expect(longest(plain.stdout)).toBeLessThanOrEqual(100);
    expect(plain.stdout).not.toMatch(/^fail_rate\s/m);
    const verbose = runCli([...args, '--verbose']);
    expect(longest(verbose.stdout)).toBeLessThanOrEqual(100);
    expect(verbose.stdout).toMatch(/^assumption\s+model\s+task type\s+low\s+central\s+high$/m);
  }, 300_000);

  it('--wide prints every column in full, before or after the command', () => {
    const narrow = runCli(['prices'], { COLUMNS: '80' });
    expect(narrow.stdout).toMatch(/columns left out to fit 80 columns: [^]*--wide\s+shows\s+all\)/);
    for (const args of [['--wide', 'prices'], ['prices', '--wide']]) {
      const wide = runCli(args, { COLUMNS: '80' });
      expect(wide.status, wide.stderr).toBe(0);
      expect(wide.stdout).not.toContain('left out to fit');
      expect(wide.stdout).toMatch(/^provider\s+model\s+from\s+to\s+input\s+output\s+cache_read\s+write_5m\s+write_1h\s+long_ctx\s+source\s+borrowed$/m);
    }
  });
});
