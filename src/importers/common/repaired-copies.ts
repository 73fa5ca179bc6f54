/**
 * While the import pipeline reads a repaired copy of a file in its place (src/import/line-repair.ts),
 * the file each copy stands for: a format that looks beside the file it reads (Kimi's config.toml and
 * the session's other agents) looks beside the file itself.
 */
const standsFor = new Map<string, string>(); // copy -> file

/** The file a path being read stands for: the file of a repaired copy, else the path itself. */
export function repairedFrom(readPath: string): string {
  return standsFor.get(readPath) ?? readPath;
}

/** Runs `read` with these copies (copy -> file) known to repairedFrom. */
export async function readingCopies<T>(copies: Map<string, string>, read: () => Promise<T>): Promise<T> {
  for (const [copy, file] of copies) standsFor.set(copy, file);
  try {
    return await read();
  } finally {
    for (const copy of copies.keys()) standsFor.delete(copy);
  }
}
