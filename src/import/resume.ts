import type { Importer, ResumeRule } from '../importers/format.js';

/**
 * The format's rule for where a read of its grown file may start (JSON lines that declare one), or
 * undefined: the file is then read in full when it changed, and the merge dedupes what it had already.
 * Lines read again become duplicates that the merge already handles. Formats without a rule:
 *   - Codex rollouts count tokens as deltas of a CUMULATIVE total, and take the session's lineage
 *     from its first session_meta line and the model from the latest turn_context: a tail read would
 *     lose all three;
 *   - Gemini captures keep a stream's last chunk, and may date a response by a line beside it;
 *   - CSV exports have a header (and quoted fields may hold line breaks); JSON documents, gzip files
 *     and mappings (their SQL is the user's) are not append-only lines.
 */
export function resumeRule(importer: Importer, filePath: string): ResumeRule | undefined {
  if (/\.gz$/i.test(filePath) || importer.read.kind !== 'json-lines') return undefined;
  return importer.read.resume;
}
