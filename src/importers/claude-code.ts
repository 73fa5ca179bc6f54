import { someJsonLine } from './file-head.js';
import type { Importer } from './types.js';

/** Claude Code session transcripts: ~/.claude/projects/<cwd>/<session>.jsonl and subagent files. */
export const claudeCode: Importer = {
  id: 'claude-code',
  title: 'Claude Code session transcripts (JSONL)',
  provider: 'anthropic',
  role: 'requests',
  merge: 'keep-best',
  staging: 'all-files',
  plainFilesOnly: true,
  fileBatches: 8, // json_batches[1] … [8] and exact_batches[1] … [8] in macros/claude_code_staged.sql
  recheck: true, // a file with a blank line or a line that is not a JSON object is read line by line
  countLines: true, // how a blank line shows: the JSON reader's rows fall short of the file's lines
  // no stagingMemory: the stage statement streams the lines into one aggregation (a row per file and
  // response) and keeps prompts once, so 200 MiB of transcripts fit the 384MB default without spilling
  // (it needed 768MB while it held every line and each response's prompt text)
  // the first import writes responses straight into the ledger: the statement dedupes them itself and
  // numbers lines exactly, so a small folder loses nothing either
  direct: { query: 'direct_claude_code', ruleInputs: { model: 'model' }, minFileBytes: 0 },
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
