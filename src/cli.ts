import os from 'node:os';
import { Command, Option } from 'commander';
import { environmentError, RecountError, refuseVirtualFlags } from './errors.js';
import { lastSpillDir } from './db/spill-dir.js';
import { version } from './version.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A row count: checked here, so a huge one is an error naming the flag, not a failed bind. */
const rowLimit = (value: string) => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw new RecountError(`--limit '${value}' is not a positive whole number up to ${Number.MAX_SAFE_INTEGER}`, 'e.g. --limit 500');
  }
  return value.trim();
};

function withDb(cmd: Command): Command {
  return cmd.addOption(new Option('--db <path>', 'ledger file (default ./recount.duckdb, or $RECOUNT_DB)'));
}

function withPrices(cmd: Command): Command {
  return cmd.addOption(new Option('--prices <file>', 'price overrides, CSV or YAML (or $RECOUNT_PRICES)'));
}

function withPeriod(cmd: Command): Command {
  return cmd
    .option('--since <date>', 'first day, YYYY-MM-DD')
    .option('--until <date>', 'last day (inclusive), YYYY-MM-DD')
    .option('--month <yyyy-mm>', 'one calendar month')
    .option('--last-month', 'the previous calendar month')
    .option('--tz <zone>', 'where days begin for daily grouping (IANA zone)', 'UTC');
}

/**
 * The command tree. Each command's module is loaded when it runs, not before: start-up is part of every
 * command's time, and an import need not load Arrow or the replay.
 */
export function buildProgram(): Command {
  const program = new Command('recount')
    .description('Offline LLM cost forensics: where did the money go, and what would another routing policy have cost?')
    .version(version)
    .option('--debug', 'show stack traces for errors')
    .option('--wide', 'print every table column in full, whatever the terminal width')
    .option('--verbose', 'more detail in text output (import: one line per file; whatif: every assumption)')
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', async (_program, command) => {
      (await import('./format/output-options.js')).setOutputOptions(program.opts());
      refuseVirtualFlags(command.opts());
    });

  withDb(program.command('import').argument('[paths...]', 'export files or folders').description('import usage exports, gateway logs or agent transcripts into the ledger'))
    .option('--format <id>', 'force one format for every file (see recount sources)')
    .option('--mapping <file>', 'read any other CSV or JSONL through a mapping file (YAML or JSON)')
    .option('--claude-code', 'also read local Claude Code transcripts ($CLAUDE_CONFIG_DIR, ~/.claude, ~/.config/claude)')
    .option('--codex', 'also read local Codex CLI rollouts ($CODEX_HOME/sessions and archived_sessions; ~/.codex)')
    .option('--agents', 'also read every installed coding agent\'s local logs (Claude Code, Codex, Gemini CLI; see recount sources)')
    .option('--full', 'read every file in full, also those unchanged since the ledger read them')
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], flags) => (await import('./commands/import.js')).importCommand(paths, flags));

  program
    .command('sources')
    .description('list the supported formats, how they dedupe, and an example file for each')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/sources.js')).sourcesCommand(flags));

  withDb(program.command('rejects').description('show rows that imports could not use, with file, line and reason'))
    .option('--import <id>', 'only this import run')
    .option('--limit <n>', 'at most this many rows', rowLimit, '100')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/rejects.js')).rejectsCommand(flags));

  withDb(program.command('forget').description('remove one import run: its rows, invoice lines, rejects and file records, in one transaction'))
    .requiredOption('--import <id>', 'the import run to remove (see recount query imported_files)')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/forget.js')).forgetCommand(flags));

  withDb(program.command('doctor').description('check the ledger against the import rules and for raw secrets in stored paths; --fix moves rule-breaking rows to rejects and masks the paths'))
    .option('--fix', 'move implausible rows to rejects')
    .option('--limit <n>', 'list at most this many rows', '100')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/doctor.js')).doctorCommand(flags));

  withPeriod(withPrices(withDb(program.command('summary').description('totals for a period: tokens, cost, and what has no price'))))
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/summary.js')).summaryCommand(flags));

  withPeriod(withPrices(withDb(program.command('query').argument('[name]', 'a query in queries/ (omit to list them)').description('run a named SQL query with bound parameters'))))
    .option('--param <key=value>', 'a query parameter (repeatable)', collect)
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output')
    .action(async (name: string | undefined, flags) => (await import('./commands/query.js')).queryCommand(name, flags));

  withPeriod(withPrices(withDb(program.command('export').description('write the priced ledger or a query result as Parquet, Arrow IPC or CSV'))))
    .option('--query <name>', 'export this named query instead of the ledger rows')
    .option('--param <key=value>', 'a query parameter (repeatable)', collect)
    .option('--format <format>', 'parquet | arrow | csv')
    .option('--out <path>', 'output file')
    .option('--lake <dir>', "add this ledger to a Parquet lake (Hive-partitioned; read it with --db lake:DIR)")
    .option('--force', 'replace an existing --out file that recount did not write')
    .action(async (flags) => (await import('./commands/export.js')).exportCommand(flags));

  withPeriod(withPrices(withDb(program.command('forensics').description('find where the money went: concentration, cache breaks, runaway sessions, anomalies, invoice gaps'))))
    .option('--cap <usd>', 'also audit spend per key per day against this cap')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/forensics.js')).forensicsCommand(flags));

  withPeriod(withPrices(withDb(program.command('whatif').description('replay the history under routing policies: what would each have cost?'))))
    .option('--policy <file>', 'a policy file (YAML or JSON, or a LiteLLM config with a recount: section); repeat to compare several', collect)
    .option('--emit-litellm <file>', 'also write the first policy as a LiteLLM proxy config (aliases, fallbacks) to this file')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/whatif.js')).whatifCommand(flags));

  withPeriod(withPrices(withDb(program.command('report').description('write a self-contained HTML report of the period (charts, findings, provenance) and print its path'))))
    .option('--policy <file>', 'also replay this routing policy for the what-if section (repeatable)', collect)
    .option('--out <path>', 'the HTML file (default reports/recount-<period>.html)')
    .option('--force', 'replace an existing --out file that recount did not write')
    .option('--title <text>', 'the report title')
    .option('--redact', 'replace API keys, users, projects, sessions and file paths with stable pseudonyms')
    .option('--json', 'print {path, bytes, …} instead of the path')
    .action(async (flags) => (await import('./commands/report.js')).reportCommand(flags));

  program
    .command('demo')
    .description('import the bundled samples into reports/demo.duckdb (never your ledger), run forensics and the bundled what-if policies, write reports/demo.html')
    .option('--out <path>', 'the HTML file (default reports/demo.html; the demo ledger goes next to it)')
    .option('--force', 'replace an existing --out file that recount did not write')
    .action(async (flags) => (await import('./commands/demo.js')).demoCommand(flags));

  withPrices(withDb(program.command('classify').description('label every ledger row with a task type and routing tier (first matching rule wins)')))
    .option('--rules <file>', "task-type rules (YAML); they are remembered for later imports ('default' restores the bundled ones)")
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/classify.js')).classifyCommand(flags));

  withPrices(program.command('prices').description('show the price catalog (with overrides) and its fingerprint'))
    .option('--model <id>', 'one model (raw or canonical name)')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./commands/prices.js')).pricesCommand(flags));

  return program;
}

/** Entry point: one place turns errors into a message, a hint and an exit code. */
export async function main(argv: string[]): Promise<void> {
  guardOutput();
  exitOnSignals();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    reportError(err, argv.includes('--debug'));
  }
}

function reportError(err: unknown, debug: boolean): void {
  // a full disk, memory or permissions are the machine's, not a bug: they get a message and a hint too
  const known = err instanceof RecountError ? err : environmentError(err, lastSpillDir());
  if (known) {
    process.stderr.write(`recount: ${known.message}\n`);
    if (known.hint) process.stderr.write(`hint: ${known.hint}\n`);
    if (debug) process.stderr.write(`${err instanceof Error ? err.stack : known.stack}\n`);
    process.exitCode = known.exitCode;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`recount: internal error: ${message.split('\n')[0]}\n`);
    process.stderr.write(debug && err instanceof Error ? `${err.stack}\n` : 'hint: run again with --debug for details, and please report it\n');
    process.exitCode = 70;
  }
}

/**
 * stdout that fails. A reader that stops early (`recount query … | head`) closes the pipe: the rest of
 * the output has nowhere to go and is dropped, quietly, with the command's own exit code (0). Any
 * other failure (a full disk) is one error line. Either way later writes are dropped, not retried.
 */
function guardOutput(): void {
  let failed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    if (err.code === 'EPIPE') return;
    err.path ??= 'stdout';
    reportError(environmentError(err) ?? err, false);
  });
  process.stderr.on('error', () => undefined); // nowhere left to say anything
}

/**
 * Ctrl-C or a kill ends the process through 'exit', whose handlers remove the ledger's temp folder;
 * an import's transaction is never committed, so the ledger stays as it was.
 */
function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
  }
}
