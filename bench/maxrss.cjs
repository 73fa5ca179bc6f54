// Preload for benchmark child processes: `node -r bench/maxrss.cjs script.js …`.
// When the process exits, writes its peak resident set size (process.resourceUsage().maxRSS, in KiB)
// to the file named by $RECOUNT_BENCH_MAXRSS_FILE. CommonJS so `-r` can load it into any script,
// ESM or not; it is not compiled by tsc (run.ts points at this source file).
'use strict';
const fs = require('node:fs');

const outFile = process.env.RECOUNT_BENCH_MAXRSS_FILE;
if (outFile) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(outFile, String(process.resourceUsage().maxRSS));
    } catch {
      // a failed write only means no figure for this run
    }
  });
}
