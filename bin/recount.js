#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm run build` (also run by `npm test`,
// `npm run demo` and, for the published package, `npm pack`'s prepack script).
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // what commander prints for it, without loading the command tree (~50 ms of a bare Node's ~130)
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  const { main } = await import('../dist/src/cli.js');
  main(process.argv);
}
