import { RecountError } from './errors.js';

/** A reporting period: whole local days in `tz`, both ends inclusive; null = open. */
export interface Period {
  since: string | null; // YYYY-MM-DD
  until: string | null; // YYYY-MM-DD, inclusive
  tz: string;
}

export interface PeriodFlags {
  since?: string;
  until?: string;
  month?: string;
  lastMonth?: boolean;
  tz?: string;
}

/** "Now" for period shorthands; RECOUNT_NOW pins it (tests, reproducible reports). */
export function now(): Date {
  const pinned = process.env.RECOUNT_NOW;
  if (!pinned) return new Date();
  const d = new Date(pinned);
  if (Number.isNaN(d.getTime())) throw new RecountError(`RECOUNT_NOW '${pinned}' is not a timestamp`, 'use ISO 8601, e.g. 2026-11-01T00:00:00Z');
  return d;
}

export function resolvePeriod(flags: PeriodFlags, clock: () => Date = now): Period {
  const tz = checkZone('--tz', flags.tz ?? 'UTC');
  const chosen = [flags.month != null, flags.lastMonth === true, flags.since != null || flags.until != null].filter(Boolean).length;
  if (chosen > 1) throw new RecountError('choose one of --month, --last-month, or --since/--until', 'they all set the same period');
  if (flags.month != null) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(flags.month)) throw new RecountError(`--month '${flags.month}' is not a month`, 'write it as YYYY-MM, e.g. --month 2026-10');
    return monthPeriod(Number(flags.month.slice(0, 4)), Number(flags.month.slice(5, 7)), tz);
  }
  if (flags.lastMonth) {
    const [year, month] = localDate(clock(), tz).split('-').map(Number);
    return month === 1 ? monthPeriod(year - 1, 12, tz) : monthPeriod(year, month - 1, tz);
  }
  const since = flags.since != null ? checkDate('--since', flags.since) : null;
  const until = flags.until != null ? checkDate('--until', flags.until) : null;
  if (since && until && since > until) throw new RecountError(`--since ${since} is after --until ${until}`, 'swap them');
  return { since, until, tz };
}

// Calendar arithmetic on YYYY-MM-DD by hand: a date library's index loads hundreds of modules, a
// noticeable part of every command's start-up.
function monthPeriod(year: number, month: number, tz: string): Period {
  const yyyyMm = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  return { since: `${yyyyMm}-01`, until: `${yyyyMm}-${daysInMonth(year, month)}`, tz };
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function checkDate(flag: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RecountError(`${flag} '${value}' is not a date`, 'write dates as YYYY-MM-DD');
  }
  return value;
}

/** The calendar date of an instant in a zone, as YYYY-MM-DD. */
export function localDate(instant: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** A time zone given by `flag` (--tz, --param tz=…): an IANA name or UTC, else an error saying so. */
export function checkZone(flag: string, tz: string): string {
  if (tz === 'UTC') return tz; // the default, valid everywhere: no need to load the zone database for it
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new RecountError(`${flag}: unknown time zone '${tz}'`, 'use an IANA zone such as UTC, Europe/Berlin or America/New_York');
  }
}

export function describePeriod(p: Period): string {
  const range = p.since || p.until ? `${p.since ?? '…'} to ${p.until ?? '…'}` : 'all time';
  return p.tz === 'UTC' ? range : `${range} (${p.tz})`;
}
