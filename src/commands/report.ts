import fs from 'node:fs';
import path from 'node:path';
import { RecountError } from '../errors.js';
import { toJson } from '../format/table.js';
import { emptyPeriodNote } from '../format/coverage.js';
import { resolveDbPath } from '../db/ledger.js';
import { withSession } from '../session.js';
import { describePeriod, resolvePeriod, type PeriodFlags } from '../period.js';
import { gatherReportData } from '../report/data.js';
import { renderReport } from '../report/render.js';
import { readPolicies, replayWarnings } from '../replay/policy-check.js';
import { warnOnStderr } from './whatif.js';
import { checkOutPath, reportFileName, writeFileAtomic } from '../report/write.js';

export interface ReportFlags extends PeriodFlags {
  db?: string;
  prices?: string;
  out?: string;
  redact?: boolean;
  title?: string;
  policy?: string[];
  json?: boolean;
  force?: boolean;
}

/** Writes the period's HTML report (default reports/recount-<period>.html) and prints its path. */
export async function reportCommand(flags: ReportFlags): Promise<void> {
  const period = resolvePeriod(flags);
  const out = path.resolve(flags.out ?? path.join('reports', reportFileName(period)));
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) {
    throw new RecountError(`--out ${out} is a folder`, `name a file, e.g. --out ${path.join(out, reportFileName(period))}`);
  }
  checkOutPath(out, { kind: 'html', ledger: resolveDbPath(flags.db), force: flags.force });
  if (flags.title != null && !flags.title.trim()) throw new RecountError('--title is empty', 'give the report a title, or leave --title out');
  const started = performance.now();
  const content = await withSession({ ...flags, readOnly: true }, async (session) => {
    // the same warnings as `whatif`: what a policy file holds that the replay does not read, rules that do nothing
    const policies = readPolicies(flags.policy ?? [], session.prices, warnOnStderr);
    // the session closes after the page: what the report shares stays until then (warnings and the note read the ledger's tables)
    const data = await gatherReportData(session, period, { title: flags.title, redact: flags.redact, policies, chartsAhead: true, sessionEnds: true });
    if (data.whatif) for (const w of await replayWarnings(session.ledger, policies, data.whatif, describePeriod(period))) warnOnStderr(w);
    if (!data.headline.requests && !flags.json) process.stderr.write(`note: ${await emptyPeriodNote(session.ledger, period)}\n`);
    return renderReport(data);
  });
  writeFileAtomic(out, content);
  const bytes = Buffer.byteLength(content);
  if (flags.json) {
    process.stdout.write(toJson({ path: out, bytes, period, redacted: Boolean(flags.redact), seconds: Number(((performance.now() - started) / 1000).toFixed(2)) }));
    return;
  }
  process.stdout.write(`${out}\n`);
}
