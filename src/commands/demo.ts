import fs from 'node:fs';
import path from 'node:path';
import { usd } from '../format/table.js';
import { discoverFiles } from '../importers/discover.js';
import { importFiles } from '../ledger/import-run.js';
import { Ledger } from '../ledger/ledger.js';
import { withSession } from '../ledger/session.js';
import { packageRoot } from '../paths.js';
import { resolvePeriod } from '../period.js';
import { loadCatalog } from '../pricing/catalog.js';
import { readPolicy } from '../replay/policy.js';
import { gatherReportData } from '../report/data.js';
import { renderReport } from '../report/render.js';
import { writeFileAtomic } from '../report/write.js';

export interface DemoFlags {
  out?: string;
}

/**
 * The whole product on the bundled samples, without touching the user's ledger: a fresh
 * reports/demo.duckdb, every sample imported, forensics and the bundled what-if policies run, and
 * reports/demo.html written.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const out = path.resolve(flags.out ?? path.join('reports', 'demo.html'));
  const db = path.join(path.dirname(out), 'demo.duckdb');
  for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
  const samples = path.join(packageRoot, 'samples');
  const ledger = await Ledger.open(db);
  try {
    const report = await importFiles(ledger, discoverFiles([samples]), { modelIds: loadCatalog().modelIds });
    const t = report.totals;
    say(`imported ${t.files} sample files (${t.imported.toLocaleString('en-US')} rows, ${t.duplicates.toLocaleString('en-US')} duplicates, ${t.rejected} rejected on purpose) into ${path.relative(process.cwd(), db)}`);
  } finally {
    ledger.close();
  }
  const policyDir = path.join(samples, 'policies');
  const period = resolvePeriod({});
  const html = await withSession({ db }, async (session) => {
    // the identity policy first: the baseline the others are read against
    const files = fs.readdirSync(policyDir).filter((f) => /\.ya?ml$/.test(f)).sort((a, b) => Number(b.startsWith('identity.')) - Number(a.startsWith('identity.')) || a.localeCompare(b));
    const policies = files.map((f) => readPolicy(path.join(policyDir, f), session.prices));
    const data = await gatherReportData(session, period, { title: 'recount demo: the bundled samples', policies });
    say(`spent ${usd(data.headline.cost_usd)} over ${data.headline.requests.toLocaleString('en-US')} requests; ${data.findings.length} findings, the biggest: ${data.findings[0]?.title ?? 'none'}`);
    for (const p of data.whatif?.policies ?? []) {
      say(`  what-if ${p.name.padEnd(22)} ${usd(p.cost_usd.central).padStart(10)}  (savings ${usd(p.savings_usd.central)}, bounds ${usd(p.savings_usd.low)} to ${usd(p.savings_usd.high)})`);
    }
    return renderReport(data);
  });
  writeFileAtomic(out, html);
  process.stdout.write(`${out}\n`);
}

const say = (line: string) => process.stderr.write(`${line}\n`);
