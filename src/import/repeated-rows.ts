import type { Ledger } from '../db/ledger.js';
import { storedPath } from './mask-path.js';
import { sql } from '../db/sql.js';
import type { PlannedFile } from './staging.js';

/*
 * A block of rows pasted twice into a console or dashboard CSV: rows with identical dimensions are
 * summed by design, so the block's rows count twice, silently. A file qualifies when blocks of at least
 * 3 consecutive rows repeat earlier rows in the same order (repeated_csv_rows.sql) and cover at least
 * MIN_SHARE of its rows, or one such block is LONG_BLOCK_ROWS or longer (a block pasted into a long
 * export): a real export repeats a dimension now and then, not a run of whole lines. Only files in
 * which some bucket was summed from identical rows are read again.
 */

const MIN_SHARE = 0.1; // of the file's non-blank rows (the header left out)
const LONG_BLOCK_ROWS = 5;
const SHOWN_BLOCKS = 3;

interface Block {
  first_line: number;
  last_line: number;
  earlier_first_line: number;
  earlier_last_line: number;
  block_rows: number;
  file_rows: number;
}

/** One warning per CSV file of the run whose repeated blocks of rows were summed into its totals, naming the lines. */
export async function repeatedRowBlocks(ledger: Ledger, plan: PlannedFile[]): Promise<string[]> {
  if (!(await ledger.one<{ staged: boolean }>(sql('import/staged_tables_exist'))).staged) return []; // a run written in one pass
  const summed = (await ledger.all<{ source_file: string }>(sql('import/summed_csv_files'))).map((r) => r.source_file);
  if (!summed.length) return [];
  // a file written twice in full has its own warning (repeated_blocks.sql)
  const whole = new Set((await ledger.all<{ source_file: string }>(sql('import/repeated_blocks'))).map((r) => r.source_file));
  const reads = new Map(plan.map((f) => [storedPath(f), f]));
  const warnings: string[] = [];
  for (const file of summed) {
    const read = reads.get(file);
    if (!read || whole.has(file) || !/\.csv(\.gz)?$/i.test(file)) continue;
    const blocks = await readBlocks(ledger, read.path);
    const repeated = blocks.reduce((n, b) => n + b.block_rows, 0);
    if (!blocks.length || (repeated < MIN_SHARE * blocks[0].file_rows && !blocks.some((b) => b.block_rows >= LONG_BLOCK_ROWS))) continue;
    warnings.push(blockWarning(file, blocks, read.resumed?.lineOffset ?? 0));
  }
  return warnings;
}

/**
 * The file's repeated blocks, read as UTF-8 or else byte by byte (a file with a damaged line was
 * imported without it, and still counts); none when it cannot be read at all (gone meanwhile).
 */
async function readBlocks(ledger: Ledger, file: string): Promise<Block[]> {
  for (const encoding of ['utf-8', 'latin-1']) {
    try {
      return await ledger.all<Block>(sql('import/repeated_csv_rows'), { file, encoding });
    } catch {
      // the next encoding, or no warning: the import itself went through
    }
  }
  return [];
}

function blockWarning(file: string, blocks: Block[], lineOffset: number): string {
  const lines = (a: number, b: number) => `${a + lineOffset}–${b + lineOffset}`;
  const shown = blocks.slice(0, SHOWN_BLOCKS).map((b) => `lines ${lines(b.first_line, b.last_line)} repeat lines ${lines(b.earlier_first_line, b.earlier_last_line)}`);
  if (blocks.length > SHOWN_BLOCKS) shown.push(`${blocks.length - SHOWN_BLOCKS} more blocks`);
  const repeated = blocks.reduce((n, b) => n + b.block_rows, 0);
  const of = `${repeated.toLocaleString('en-US')} of its ${blocks[0].file_rows.toLocaleString('en-US')} rows`;
  return (
    `${file}: ${shown.join(', ')}, in the same order (${of}); rows with the same dimensions are summed, so if a block ` +
    'was pasted twice its rows count twice (remove the copy, then recount forget --import ID and import the file again)'
  );
}
