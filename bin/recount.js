#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/src/cli.js';
main(process.argv);
