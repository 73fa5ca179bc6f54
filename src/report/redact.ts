/**
 * --redact: API keys, users, projects, workspaces, sessions and file paths become stable pseudonyms
 * (`key-1`, `project-3`, `file-2.jsonl`), numbered in the order a run first meets them, so one value
 * gets one name across the whole report and the same ledger and flags give the same names. Nothing of
 * the value is kept (no hash a dictionary could reverse); a file keeps only its extension.
 */
type Row = Record<string, unknown>;

export type PseudonymKind = 'key' | 'user' | 'project' | 'workspace' | 'session' | 'file';

/** Which query columns hold which kind of identifier. */
export const REDACTED_COLUMNS: Record<string, PseudonymKind> = {
  api_key: 'key',
  top_key: 'key',
  budget_key: 'key',
  user_id: 'user',
  project: 'project',
  projects: 'project',
  workspace: 'workspace',
  session_id: 'session',
  worst_session: 'session',
  path: 'file',
  source_file: 'file',
};

/** Placeholders the queries write for a missing value, e.g. '(no project)': not identifiers, kept. */
const PLACEHOLDER = /^\(no [a-z_ ]+\)$/;

export class Pseudonyms {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<PseudonymKind, number>();

  /** The pseudonym of `value` as a `kind`, the same one every time. */
  of(kind: PseudonymKind, value: string): string {
    if (PLACEHOLDER.test(value)) return value;
    const key = `${kind}\u0000${value}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const n = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, n);
      name = `${kind}-${n}${kind === 'file' ? extension(value) : ''}`;
      this.names.set(key, name);
    }
    return name;
  }

  /** A copy of `row` with every identifier column (REDACTED_COLUMNS) replaced; lists item by item. */
  row<T extends Row>(row: T): T {
    const out: Row = { ...row };
    for (const [column, kind] of Object.entries(REDACTED_COLUMNS)) {
      const v = out[column];
      if (v == null) continue;
      if (column === 'budget_key' && row.per === 'project') out[column] = this.of('project', String(v));
      else out[column] = Array.isArray(v) ? v.map((x) => (x == null ? x : this.of(kind, String(x)))) : this.of(kind, String(v));
    }
    return out as T;
  }

  rows<T extends Row>(rows: T[]): T[] {
    return rows.map((r) => this.row(r));
  }
}

/** `.jsonl`, `.csv.gz`: what kind of file it was, nothing of its name. */
function extension(p: string): string {
  const base = p.split(/[\\/]/).pop() ?? '';
  const m = /\.[A-Za-z0-9]{1,8}(\.(gz|bz2|xz|zst))?$/i.exec(base);
  return m && m.index > 0 ? m[0].toLowerCase() : '';
}
