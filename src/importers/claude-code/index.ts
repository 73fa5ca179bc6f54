import { foundOrNone } from '../common/agent-dirs.js';
import { claudeCodeDirs } from './dirs.js';
import { lastHumanPrompt } from './resume.js';
import { someJsonLine } from '../common/file-head.js';
import type { Importer } from '../format.js';

/** Claude Code session transcripts: ~/.claude/projects/<cwd>/<session>.jsonl and subagent files. */
export const claudeCode: Importer = {
  id: 'claude-code',
  title: 'Claude Code session transcripts (JSONL)',
  provider: 'anthropic',
  role: 'requests',
  merge: 'keep-best',
  dir: 'claude-code',
  read: {
    kind: 'json-lines',
    each: 'all',
    stage: 'stage',
    header: 'header.jsonl',
    wholeText: true,
    // each response takes the turn's last human prompt before it (an ASOF join on line position in
    // claude-code/macros/claude_code_staged.sql): a grown file is read from its last prompt line
    resume: lastHumanPrompt,
    // at most 8 batches, json_batches[i] and exact_batches[i] in claude-code/macros/claude_code_staged.sql, as
    // many as a run's files, bytes and cores need (staging.ts batchCount); a blank line shows as the JSON
    // reader's rows falling short of the file's lines, and that file is read line by line
    batches: 8,
  },
  macros: ['claude_code_line', 'claude_code_lines', 'claude_code_staged'],
  // no stagingMemory: the stage statement streams the lines into one aggregation (a row per file and
  // response) and keeps prompts once, so 200 MiB of transcripts fit the 384MB default without spilling
  // (it needed 768MB while it held every line and each response's prompt text)
  // the first import writes responses straight into the ledger: the statement dedupes them itself and
  // numbers lines exactly, so a small folder loses nothing either
  direct: { query: 'direct', staged: 'direct-staged', ruleInputs: { model: 'model' }, minFileBytes: 0 },
  local: { where: '$CLAUDE_CONFIG_DIR or ~/.claude/projects', find: foundOrNone(claudeCodeDirs) },
  sample: 'samples/claude-code',
  detect: (head) =>
    someJsonLine(
      head,
      (o) =>
        (typeof o.sessionId === 'string' && ['user', 'assistant', 'system'].includes(o.type as string)) ||
        (o.type === 'summary' && typeof o.leafUuid === 'string'),
    ) || startsLikeTranscriptLine(head.text),

};

/** A first line too long for the head (a pasted image in the first prompt) still shows its keys early. */
function startsLikeTranscriptLine(text: string): boolean {
  const firstLine = text.slice(0, 4096);
  return firstLine.startsWith('{') && /"sessionId":\s*"/.test(firstLine) && /"type":\s*"(user|assistant|system)"/.test(firstLine);
}
