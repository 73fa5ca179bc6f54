#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm run build` (also run by `npm test`,
// `npm run demo` and, for the published package, `npm pack`'s prepack script).
import { main } from '../dist/src/cli.js';
main(process.argv);
