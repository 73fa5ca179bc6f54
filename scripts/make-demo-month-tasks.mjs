// What the team asked its agents in scripts/make-demo-month.mjs: prompts worded as people word them
// (so the bundled task-type rules can label the turns) and the tool steps each kind of task takes.

const FILES = ['src/routes/billing.ts', 'src/middleware/rateLimit.ts', 'src/auth/session.ts', 'src/db/invoices.ts', 'src/ui/Table.tsx', 'src/jobs/sync.ts', 'src/config/limits.ts', 'test/billing.test.ts'];

// a step: [tool, tokens its result adds to the next prompt (low, high), output tokens (low, high)]
const read = ['Read', [5_000, 16_000], [200, 1_200]];
const grep = ['Grep', [800, 4_000], [120, 600]];
const glob = ['Glob', [200, 900], [80, 400]];
const edit = ['Edit', [200, 700], [300, 1_200]];
const write = ['Write', [150, 400], [800, 2_200]];
const test = ['Bash:test', [1_000, 3_500], [60, 160]];
const diff = ['Bash:diff', [2_000, 7_000], [60, 140]];
const lint = ['Bash:lint', [600, 2_500], [60, 140]];

export const TASKS = {
  explore: { prompts: ['where is the rate limiter configured for /billing?', 'walk me through how a session cookie is issued and checked', 'which jobs touch the invoices table?'], steps: [glob, read, grep, read, read, grep, read], answer: [300, 900] },
  bug_fix: { prompts: ['fix the failing invoice total test, the rounding is off by a cent', 'the /billing endpoint returns 500 errors since the last deploy, fix it', 'why does the sync job crash on an empty page?'], steps: [grep, read, read, grep, read, edit, test, edit, test], answer: [300, 800] },
  feature: { prompts: ['add an endpoint that exports invoices as CSV', 'implement retry with backoff for the webhook sender', 'add support for team-level API keys'], steps: [glob, read, read, grep, read, write, edit, edit, test], answer: [400, 1_000] },
  tests: { prompts: ['write tests for the date range parser', 'raise test coverage of the pricing module'], steps: [read, read, write, test, edit, test], answer: [200, 600] },
  review: { prompts: ['review the diff on this branch before I open the PR', 'review this pull request for security problems'], steps: [diff, read, read, read, grep], answer: [900, 2_200] },
  docs: { prompts: ['add docstrings to the public functions in src/db', 'update the README section on local setup'], steps: [read, read, edit, edit], answer: [200, 500] },
  lint: { prompts: ['fix the eslint warnings in src/ui', 'run prettier and fix the formatting of the table components'], steps: [lint, read, edit, edit, lint], answer: [150, 400] },
  architecture: { prompts: ['should we use a queue or cron for invoice sync? write a design doc with the trade-offs', 'propose an architecture for multi-region failover of the API'], steps: [glob, read, read, read, grep, read, 'subagent'], answer: [2_500, 4_500] },
  refactor: { prompts: ['refactor the logging calls across all modules to the new logger', 'migrate every fetch call in the web app to the shared API client'], steps: [grep, read, read, edit, edit, grep, edit, edit, test], answer: [400, 900] },
  algorithm: { prompts: ['optimize the search ranking for latency, it is O(n^2) now', 'the job scheduler double-books slots under concurrency, design a lock-free fix'], steps: [read, read, grep, edit, test, edit, test], answer: [1_200, 3_000] },
};

// Test runs fail on a fixed schedule, not by a random draw (the month's figures stay those of its
// seed): two runs of every nine fail, next to each other, so a turn can fail once and pass on the
// retry, or fail the same way twice — the signals `recount query outcomes_by_model_and_task` reads.
let testRuns = 0;
function testRun(passed) {
  testRuns += 1;
  const input = { command: 'npm test -- --run billing', description: 'Run the billing tests' };
  if (testRuns % 9 !== 4 && testRuns % 9 !== 5) return { name: 'Bash', input, result: `Tests  ${passed} passed` };
  const result = `FAIL  test/billing.test.ts > invoice total rounds half-even\nAssertionError: expected 10.01 to be 10.02\nTests  1 failed | ${passed - 1} passed`;
  return { name: 'Bash', input, result, isError: true };
}

function toolCall(rng, kind) {
  const file = rng.pick(FILES);
  switch (kind) {
    case 'Read': return { name: 'Read', input: { file_path: file }, result: `     1\timport { db } from '../db';\n     2\t…(${rng.int(80, 600)} lines)` };
    case 'Grep': return { name: 'Grep', input: { pattern: rng.pick(['rateLimit', 'invoice', 'session', 'retry', 'logger']), path: 'src', output_mode: 'content' }, result: `${file}:${rng.int(3, 200)}: …\nFound ${rng.int(2, 30)} matches` };
    case 'Glob': return { name: 'Glob', input: { pattern: rng.pick(['src/**/*.ts', 'test/**/*.test.ts', 'src/ui/**/*.tsx']) }, result: `${file}\n…(${rng.int(5, 60)} files)` };
    case 'Edit': return { name: 'Edit', input: { file_path: file, old_string: 'return Math.round(x);', new_string: 'return roundHalfEven(x);' }, result: `The file ${file} has been updated.` };
    case 'Write': return { name: 'Write', input: { file_path: file.replace('.ts', '.new.ts'), content: '// …' }, result: `File created successfully at: ${file.replace('.ts', '.new.ts')}` };
    case 'Bash:test': return testRun(rng.int(20, 90));
    case 'Bash:diff': return { name: 'Bash', input: { command: 'git diff main...HEAD', description: 'Show the branch diff' }, result: `diff --git a/${file} b/${file}\n…` };
    default: return { name: 'Bash', input: { command: 'npx eslint src/ui', description: 'Lint the UI' }, result: `${file}\n  12:5  warning  Unexpected any` };
  }
}

/** One human prompt and the agent's requests for it, ending in a text answer. */
export function runTask(rng, session, task, gapS) {
  session.prompt(rng.pick(task.prompts), gapS);
  for (const step of task.steps) {
    if (step === 'subagent') {
      const steps = [glob, grep, read, read, grep, read].map(([kind, res, out]) => ({ tools: [toolCall(rng, kind)], out: rng.int(...out), resultTokens: rng.int(...res) }));
      session.subagent({ description: 'Explore the sync code', prompt: 'Find every place invoices are synced and report the call sites and the data each one reads.', model: 'claude-haiku-4-5', steps, mainOut: rng.int(150, 300) });
      continue;
    }
    const [kind, res, out] = step;
    // a response sometimes says what it is about to do before the call: two lines, one message id
    const text = rng.chance(0.15) ? 'Let me look at that next.' : undefined;
    session.respond({ text, tools: [toolCall(rng, kind)], out: rng.int(...out), resultTokens: rng.int(...res) });
  }
  // a prefix break now and then: an MCP server reconnected and the tool list changed mid-session
  session.respond({ text: 'Here is what I found and changed.', out: rng.int(...task.answer), brk: rng.chance(0.02) });
  if (++tasksRun % 13 === 6) session.interrupt(); // now and then the user stops the agent (a fixed schedule)
}
let tasksRun = 0;

/**
 * The runaway: one prompt, then reads and greps over the whole repo for 13 hours on Opus, the context
 * growing to the 1M window and auto-compacting, never stopped. A hook that stamps the time into the
 * system prompt (a status hook) breaks the cached prefix every 8 minutes.
 */
export function runRunaway(rng, session) {
  session.prompt('go through the whole web app and list every place the legacy auth cookie is read or written, check every file, keep going until you have covered all of them');
  const end = session.t + 13 * 3600 * 1000;
  let lastBreak = session.t;
  while (session.t < end) {
    if (session.ctx.prompt > rng.int(920_000, 960_000)) session.compact(rng.int(24_000, 36_000));
    const kind = rng.pick(['Read', 'Read', 'Read', 'Grep', 'Grep', 'Glob']);
    const brk = session.t - lastBreak > 8 * 60_000;
    if (brk) lastBreak = session.t;
    const res = kind === 'Read' ? [8_000, 30_000] : kind === 'Grep' ? [1_500, 8_000] : [300, 1_500];
    const out = rng.int(600, 4_200); // long thinking before each call: up to a minute of generation
    session.respond({ tools: [toolCall(rng, kind)], out, resultTokens: rng.int(...res), brk });
    session.t += Math.round(out / 125) * 1000;
  }
  session.respond({ text: 'I have now checked every file; the legacy cookie is read in the places listed above.', out: 1_800 });
}
