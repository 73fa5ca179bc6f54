import type { Transcript } from './claude-code-lines.js';
import { toolUseId } from './claude-code-lines.js';
import type { Written } from './claude-code-session.js';

/**
 * A tool call as a transcript shows it twice: the assistant's tool_use block (name, input) and the
 * user line that answers it (a tool_result block, plus `toolUseResult`, the tool's structured
 * output, which often repeats the result). Sizes are set so a tool-result line averages ~1.6 KB
 * with a long tail (big file reads), as the issue measured.
 */
export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  result: unknown; // the tool_result block's content
  toolUseResult: unknown;
  isError: boolean;
  run?: (written: Written) => void; // a Task: runs the subagent once the response naming it is written
}

const WEIGHTS: [string, number][] = [
  ['Read', 30], ['Bash', 20], ['Edit', 14], ['Grep', 11], ['Glob', 5], ['TodoWrite', 7], ['Write', 4], ['MultiEdit', 2],
  ['WebFetch', 2], ['mcp__github__get_issue', 3], ['BashOutput', 2],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((n, [, w]) => n + w, 0);

/** A random ordinary tool call (Task, which starts a subagent, is made by the generator). */
export function randomToolCall(t: Transcript, edited: string[]): ToolCall {
  let r = t.rng.next() * TOTAL_WEIGHT;
  const name = WEIGHTS.find(([, w]) => (r -= w) < 0)?.[0] ?? 'Read';
  const call = buildCall(t, name, edited);
  if (t.rng.chance(0.03)) return failed(t, call);
  return call;
}

function buildCall(t: Transcript, name: string, edited: string[]): ToolCall {
  const { rng, pool } = t;
  const id = toolUseId(rng);
  const file = rng.chance(0.4) && edited.length ? rng.pick(edited) : pool.path(t.writer.cwd);
  const call = (input: Record<string, unknown>, result: unknown, toolUseResult: unknown): ToolCall => ({ id, name, input, result, toolUseResult, isError: false });
  switch (name) {
    case 'Read': {
      const text = pool.code(80, rng.chance(0.015) ? 8_000 : 550);
      const numbered = numberLines(text);
      return call({ file_path: file }, numbered, { type: 'text', file: { filePath: file, content: text, numLines: count(text), startLine: 1, totalLines: count(text) } });
    }
    case 'Bash': {
      const command = rng.chance(0.4) ? `npm test -- ${pool.word()}` : `git ${rng.pick(['status', 'diff --stat', 'log --oneline -5'])} && ls ${pool.word()}`;
      const out = pool.code(20, rng.chance(0.05) ? 6_000 : 500);
      return call({ command, description: pool.prose(15, 60) }, out, { stdout: out, stderr: '', interrupted: false, isImage: false });
    }
    case 'Edit':
    case 'MultiEdit': {
      const oldString = pool.code(60, 700);
      const newString = pool.code(60, 1_100);
      const note = `The file ${file} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${numberLines(pool.code(60, 300))}`;
      if (!edited.includes(file)) edited.push(file);
      const edits = { file_path: file, old_string: oldString, new_string: newString };
      return call(name === 'Edit' ? edits : { file_path: file, edits: [edits] }, note,
        { filePath: file, oldString, newString, originalFile: null, structuredPatch: [{ oldStart: 10, oldLines: count(oldString), newStart: 10, newLines: count(newString), lines: [] }], userModified: false, replaceAll: false });
    }
    case 'Grep': {
      const hits = Array.from({ length: rng.int(1, 12) }, () => `${pool.path(t.writer.cwd)}:${rng.int(1, 400)}:  ${pool.ident()}(${pool.word()})`).join('\n');
      return call({ pattern: pool.ident(), path: t.writer.cwd, output_mode: 'content', '-n': true }, hits, { mode: 'content', numFiles: 0, filenames: [], content: hits, numLines: count(hits) });
    }
    case 'Glob': {
      const names = Array.from({ length: rng.int(1, 15) }, () => pool.path(t.writer.cwd));
      return call({ pattern: `**/*${pool.ident()}*` }, names.join('\n'), { filenames: names, durationMs: rng.int(5, 90), numFiles: names.length, truncated: false });
    }
    case 'TodoWrite': {
      const todos = Array.from({ length: rng.int(2, 6) }, () => ({ content: pool.prose(20, 90), status: rng.pick(['pending', 'in_progress', 'completed']), activeForm: pool.prose(20, 80) }));
      return call({ todos }, 'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. Please proceed with the current tasks if applicable',
        { oldTodos: todos.slice(1), newTodos: todos });
    }
    case 'Write': {
      const content = pool.code(400, 5_000);
      if (!edited.includes(file)) edited.push(file);
      return call({ file_path: file, content }, `File created successfully at: ${file}`, { type: 'create', filePath: file, content, structuredPatch: [] });
    }
    case 'WebFetch': {
      const text = pool.prose(200, 1_500);
      return call({ url: `https://docs.example.com/${pool.word()}/${pool.word()}`, prompt: pool.prose(30, 120) }, text, { bytes: rng.int(5_000, 90_000), code: 200, codeText: 'OK', result: text, durationMs: rng.int(300, 4_000) });
    }
    case 'BashOutput': {
      const out = pool.code(20, 500);
      return call({ bash_id: `${rng.int(100, 999)}` }, `<status>running</status>\n\n<stdout>\n${out}\n</stdout>`, { shellId: '1', command: 'npm run dev', status: 'running', exitCode: null, stdout: out, stderr: '' });
    }
    default: {
      const body = pool.prose(200, 1_400);
      return call({ owner: 'acme', repo: pool.word(), issue_number: rng.int(1, 4000) }, [{ type: 'text', text: body }], [{ type: 'text', text: body }]);
    }
  }
}

/** A call that failed (a missing file, a command that exited non-zero). */
function failed(t: Transcript, call: ToolCall): ToolCall {
  const message = `<tool_use_error>${t.pool.prose(30, 160)}</tool_use_error>`;
  return { ...call, result: message, toolUseResult: `Error: ${message}`, isError: true };
}

/** Read's "     1→text" numbering. */
function numberLines(text: string): string {
  return text
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(6)}→${line}`)
    .join('\n');
}

function count(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
