import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/period.js';

const clock = () => new Date('2026-11-15T12:00:00Z');

describe('periods', () => {
  it('takes --since/--until as inclusive days', () => {
    expect(resolvePeriod({ since: '2026-10-01', until: '2026-10-31' }, clock)).toEqual({ since: '2026-10-01', until: '2026-10-31', tz: 'UTC' });
  });

  it('expands --month and --last-month', () => {
    expect(resolvePeriod({ month: '2026-02' }, clock)).toEqual({ since: '2026-02-01', until: '2026-02-28', tz: 'UTC' });
    expect(resolvePeriod({ lastMonth: true, tz: 'Asia/Tokyo' }, clock)).toEqual({ since: '2026-10-01', until: '2026-10-31', tz: 'Asia/Tokyo' });
  });

  it('uses the zone to decide which month "last month" is', () => {
    const newYearsEve = () => new Date('2026-12-31T20:00:00Z'); // already 2027-01-01 in Tokyo
    expect(resolvePeriod({ lastMonth: true, tz: 'Asia/Tokyo' }, newYearsEve).since).toBe('2026-12-01');
    expect(resolvePeriod({ lastMonth: true }, newYearsEve).since).toBe('2026-11-01');
  });

  it.each([
    [{ since: '2026-13-01' }, "--since '2026-13-01' is not a date"],
    [{ month: 'Oct' }, "--month 'Oct' is not a month"],
    [{ month: '2026-13' }, "--month '2026-13' is not a month"],
    [{ since: '2026-10-05', until: '2026-10-01' }, 'is after --until'],
    [{ month: '2026-10', since: '2026-10-01' }, 'choose one of'],
    [{ tz: 'Mars/Olympus' }, "unknown time zone 'Mars/Olympus'"],
  ])('rejects %o', (flags, message) => {
    expect(() => resolvePeriod(flags, clock)).toThrow(message);
  });
});
