import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';
import type { Period } from '../period.js';

interface Span {
  first_day: string | null;
  last_day: string | null;
  records: number;
}

/**
 * What to say after a period with no usage: the period and what the ledger does hold, so a person
 * sees at once which --since/--until/--month would find something ("no usage between 2020-01-01 and
 * 2020-01-31; the ledger holds 2026-10-01 to 2026-10-28").
 */
export async function emptyPeriodNote(ledger: Ledger, period: Period): Promise<string>;
/** With `outsideOnly`: undefined unless the period lies wholly outside what the ledger holds (an empty query result may be just that query's). */
export async function emptyPeriodNote(ledger: Ledger, period: Period, outsideOnly: true): Promise<string | undefined>;
export async function emptyPeriodNote(ledger: Ledger, period: Period, outsideOnly = false): Promise<string | undefined> {
  const span = await ledger.one<Span>(sql('ledger/ledger_span'), { tz: period.tz });
  const outside = !span.first_day || !span.last_day || (period.since != null && period.since > span.last_day) || (period.until != null && period.until < span.first_day);
  if (outsideOnly && !outside) return undefined;
  const asked = period.since || period.until ? `between ${period.since ?? 'the start'} and ${period.until ?? 'now'}` : 'in the ledger';
  if (!span.records || !span.first_day) return `no usage ${asked}; the ledger is empty (import something first: recount import PATH)`;
  const zone = period.tz === 'UTC' ? '' : ` (${period.tz})`;
  return `no usage ${asked}; the ledger holds ${span.first_day} to ${span.last_day}${zone}`;
}
