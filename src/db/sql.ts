import fs from 'node:fs';
import path from 'node:path';
import { queriesDir } from '../paths.js';

const cache = new Map<string, string>();

/** The text of queries/<name>.sql (one statement per file). */
export function sql(name: string): string {
  return sqlFile(path.join(queriesDir, `${name}.sql`));
}

/** The text of a SQL file by its path, read once per process. */
export function sqlFile(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}
