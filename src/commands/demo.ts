import fs from 'node:fs';
import path from 'node:path';
import { usd } from '../format/table.js';
import { discoverFiles } from '../import/discover.js';
import { importFiles } from '../import/import-run.js';
import { Ledger } from '../db/ledger.js';
import { withSession } from '../session.js';
import { packageRoot } from '../paths.js';
import { resolvePeriod } from '../period.js';
import { loadCatalog } from '../pricing/catalog.js';
import { readPolicy } from '../replay/policy.js';
import { gatherReportData } from '../report/data.js';
import { renderReport } from '../report/render.js';
import { checkOutPath, writeFileAtomic } from '../report/write.js';
import { RecountError } from '../errors.js';
import { sql } from '../db/sql.js';

export interface DemoFlags {
  out?: string;
  force?: boolean;
}

/**
 * The whole product on the bundled month (samples/month: a small team's coding-agent October),
 * without touching the user's ledger: a fresh reports/demo.duckdb, the month imported, forensics and
 * the bundled what-if policies run, and
 * reports/demo.html written.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const out = path.resolve(flags.out ?? path.join('reports', 'demo.html'));
  const db = path.join(path.dirname(out), 'demo.duckdb');
  checkOutPath(out, { kind: 'html', ledger: db, force: flags.force });
  // the demo's ledger is the bundled month (scripts/make-demo-month.mjs), not the per-format fixtures
  const samples = path.join(packageRoot, 'samples', 'month');
  await clearDemoLedger(db, path.join(packageRoot, 'samples')); // an older demo's ledger (every sample folder) is ours too
  const ledger = await Ledger.open(db);
  try {
    const report = await importFiles(ledger, discoverFiles([samples]), { modelIds: loadCatalog().modelIds });
    const t = report.totals;
    say(`imported ${t.files} sample files of a team's month (${t.imported.toLocaleString('en-US')} rows, ${t.duplicates.toLocaleString('en-US')} duplicates, ${t.rejected} rejected) into ${path.relative(process.cwd(), db)}`);
  } finally {
    ledger.close();
  }
  const policyDir = path.join(packageRoot, 'samples', 'policies');
  const period = resolvePeriod({});
  const html = await withSession({ db }, async (session) => {
    // the identity policy first: the baseline the others are read against
    const files = fs.readdirSync(policyDir).filter((f) => /\.ya?ml$/.test(f)).sort((a, b) => Number(b.startsWith('identity.')) - Number(a.startsWith('identity.')) || a.localeCompare(b));
    const policies = files.map((f) => readPolicy(path.join(policyDir, f), session.prices));
    const data = await gatherReportData(session, period, { title: "recount demo: a coding-agent team's month", policies });
    say(`spent ${usd(data.headline.cost_usd)} over ${data.headline.requests.toLocaleString('en-US')} requests; ${data.findings.length} findings, the biggest: ${data.findings[0]?.title ?? 'none'}`);
    for (const p of data.whatif?.policies ?? []) {
      say(`  what-if ${p.name.padEnd(22)} ${usd(p.cost_usd.central).padStart(10)}  (savings ${usd(p.savings_usd.central)}, bounds ${usd(p.savings_usd.low)} to ${usd(p.savings_usd.high)})`);
    }
    return renderReport(data);
  });
  writeFileAtomic(out, html);
  process.stdout.write(`${out}\n`);
}

/**
 * Removes the last demo's ledger, and only that: a demo.duckdb beside --out that holds anything but
 * the bundled samples (someone's own ledger, another tool's database) stays, and the demo stops.
 */
async function clearDemoLedger(db: string, samples: string): Promise<void> {
  if (fs.existsSync(db)) {
    if (!fs.statSync(db).isFile()) throw new RecountError(`${db} is not a file`, 'the demo writes its ledger there: choose another --out folder');
    const ledger = await Ledger.open(db, { readOnly: true });
    let outside: number;
    try {
      outside = (await ledger.one<{ files: number }>(sql('ledger/count_imports_outside'), { folder: samples + path.sep })).files;
    } finally {
      ledger.close();
    }
    if (outside) throw new RecountError(`${db} holds imports of ${outside} file${outside === 1 ? '' : 's'} that are not the bundled samples`, 'the demo replaces demo.duckdb beside --out: choose another --out folder');
  }
  for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
}

const say = (line: string) => process.stderr.write(`${line}\n`);
