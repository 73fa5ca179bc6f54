// The run's summary: files, imports, exits by code, and every distinct failure (check, format,
// mutation, message), with the ones issue 14 already names marked as known.
import type { Failure } from './checks.js';
import type { CaseResult } from './run.js';

interface Known {
  id: string;
  source: 'issue 14' | 'mutation run';
  why: string;
  matches: (r: CaseResult, f: Failure) => boolean;
}

/** Failures already diagnosed: issue 14's "known failures to expect", and what the first full run found. */
export const KNOWN: Known[] = [
  {
    id: 'bom-json',
    source: 'issue 14',
    why: 'a JSON document with a UTF-8 BOM imports 0 rows (1 read, 1 rejected; a Langfuse array: 0 read, 1 skipped), exit 0',
    matches: (r, f) => r.c.kind === 'json' && /^bom/.test(r.c.mutation) && f.check === 'same-totals',
  },
  {
    id: 'json-doc-twice',
    source: 'mutation run',
    why: 'a JSON document written twice into one file ([…][…]) loses every record: read as two unparsable records, rejected or skipped',
    matches: (r, f) => r.c.kind === 'json' && r.c.mutation === 'concat-twice' && f.check === 'no-silent-loss',
  },
  {
    id: 'csv-open-quote',
    source: 'mutation run',
    why: 'a CSV cut inside a quoted cell fails the whole file instead of rejecting the cut row',
    matches: (r, f) => f.check === 'row-level' && /quote opened on this line is never closed/.test(f.message),
  },
];

export const knownOf = (r: CaseResult, f: Failure) => KNOWN.find((k) => k.matches(r, f))?.id;

/** A message with its paths, formats, numbers and values blurred, so one failure across files groups as one. */
export function shapeOf(message: string): string {
  return message
    .replace(/\/\S*\/(cases|pairs)\/\S*?(:\d+)?:/g, '<file>:')
    .replace(/'\/[^']+'/g, "'<file>'")
    .replace(/cannot be read as .*?: /g, 'cannot be read as <format>: ')
    .replace(/with value \S+/g, 'with value <v>')
    .replace(/(?<![\w.-])-?\d+(\.\d+)?(e[+-]?\d+)?(?!\w)/g, 'N')
    .slice(0, 200);
}

const count = <T>(items: T[], key: (t: T) => string) => {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};

const formatOf = (r: CaseResult) => `${r.c.sample.split('/')[0]}/${r.c.kind}`;

/** Exit codes per mutation, a few to a line. */
function exitsByMutation(results: CaseResult[]): string[] {
  const cells = count(results, (r) => r.c.mutation + (r.c.pair ? ' (pair)' : ''))
    .map(([m]) => `${m}: ${count(results.filter((r) => r.c.mutation + (r.c.pair ? ' (pair)' : '') === m), (r) => String(r.status)).map(([k, n]) => `${n}×${k}`).join(' ')}`)
    .sort();
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 4) lines.push(`  ${cells.slice(i, i + 4).map((c) => c.padEnd(34)).join('')}`.trimEnd());
  return lines;
}

/** The printed summary. */
export function summarize(results: CaseResult[], seconds: number): string {
  const files = results.filter((r) => !r.c.pair).length;
  const failures = results.flatMap((r) => r.failures.map((f) => ({ r, f, known: KNOWN.find((k) => k.matches(r, f)) })));
  const imports = (level: string, known: boolean) => new Set(failures.filter((x) => x.f.level === level && !!x.known === known).map((x) => x.r.c.id)).size;
  const lines = [
    `mutation run: ${files} damaged files (and ${results.length - files} imported next to a clean copy), ${results.length} imports, ${seconds.toFixed(0)} s (${(seconds / Math.max(results.length, 1)).toFixed(1)} s each)`,
    `exits: ${count(results, (r) => String(r.status)).map(([k, n]) => `${k} × ${n}`).join(', ')}`,
    `imports breaking an invariant: ${imports('invariant', false)} new, ${imports('invariant', true)} known; missing an expectation: ${imports('expectation', false)} new, ${imports('expectation', true)} known`,
    'exit codes by mutation:',
    ...exitsByMutation(results),
    '',
  ];
  for (const level of ['invariant', 'expectation'] as const) {
    const mine = failures.filter((x) => x.f.level === level);
    lines.push(`${level} failures: ${mine.length}${mine.length ? '' : ' (none)'}`);
    const keyOf = (x: (typeof mine)[number]) => `${x.f.check}${x.known ? ` [known: ${x.known.id}, ${x.known.source}]` : ' [NEW]'} ${shapeOf(x.f.message)}`;
    for (const [key, n] of count(mine, keyOf)) {
      const of = mine.filter((x) => keyOf(x) === key);
      const formats = [...new Set(of.map((x) => formatOf(x.r)))].sort().join(', ');
      const mutations = [...new Set(of.map((x) => x.r.c.mutation + (x.r.c.pair ? ' (pair)' : '')))].sort().join(', ');
      lines.push(`  ${n} × ${key}`, `      formats: ${formats}`, `      mutations: ${mutations}`, `      e.g. ${of[0].r.c.id}: ${of[0].f.message.slice(0, 300)}`);
    }
    lines.push('');
  }
  lines.push('known failures:', ...KNOWN.map((k) => `  ${k.id} (${k.source}): ${k.why}`), '');
  return `${lines.join('\n')}\n`;
}
