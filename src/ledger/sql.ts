import fs from 'node:fs';
import path from 'node:path';
import { queriesDir } from '../paths.js';

const cache = new Map<string, string>();

/** The text of queries/<name>.sql (one statement per file). */
export function sql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(queriesDir, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
