import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from './paths.js';

/** recount's version, from package.json. */
export const version: string = (createRequire(import.meta.url)(path.join(packageRoot, 'package.json')) as { version: string }).version;
