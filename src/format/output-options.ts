/**
 * The global output flags (--wide, --verbose), set once by the CLI before a command runs. Kept here,
 * not passed through every command's flags: commander gives global options to the program only.
 */
const options = { wide: false, verbose: false };

export function setOutputOptions(given: { wide?: boolean; verbose?: boolean }): void {
  options.wide = Boolean(given.wide);
  options.verbose = Boolean(given.verbose);
}

/** --verbose: per-file and per-assumption detail in text output. */
export const verbose = (): boolean => options.verbose;

/**
 * How wide text output may be: the terminal's width, else $COLUMNS, else 100; unlimited with --wide.
 * Piped output has no terminal width, so it keeps to $COLUMNS or 100 (--json and --csv are never cut).
 */
export function outputWidth(): number {
  if (options.wide) return Number.POSITIVE_INFINITY;
  const tty = process.stdout.isTTY ? process.stdout.columns : undefined;
  if (tty && tty > 0) return tty;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : 100;
}

/**
 * Wraps one line of prose to the output width at spaces; continuation lines are indented by
 * `indent` spaces. A word longer than the width stays whole (a path is better whole than split).
 */
export function wrapLine(text: string, indent = 2, width = outputWidth()): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (next.length > width && current.trim()) {
      lines.push(current);
      current = `${' '.repeat(indent)}${word}`;
    } else {
      current = next;
    }
  }
  if (current.trim()) lines.push(current);
  return lines;
}
