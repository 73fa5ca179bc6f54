import { importers } from '../importers/registry.js';
import { renderTable, toJson } from '../format/table.js';

/** Every format recount reads, with the folder `recount import --agents` looks in ("—" for exports, which have none). */
export function sourcesCommand(flags: { json?: boolean }): void {
  const rows = importers.map((i) => ({
    format: i.id,
    provider: i.provider,
    role: i.role,
    dedupe: i.merge,
    title: i.title,
    default_folder: i.local?.where ?? (flags.json ? null : '—'),
    example: i.sample,
  }));
  process.stdout.write(
    flags.json
      ? toJson(rows)
      : renderTable(rows, [
          { key: 'format', minWidth: 40 },
          { key: 'title', priority: 0, minWidth: 30 },
          { key: 'default_folder', priority: 1 },
          { key: 'provider', priority: 3 },
          { key: 'role', priority: 4 },
          { key: 'dedupe', priority: 5 },
          { key: 'example', priority: 6 },
        ]),
  );
}
