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

  it('knows month lengths and leap years, and that January\'s last month is December', () => {
    expect(resolvePeriod({ month: '2024-02' }, clock).until).toBe('2024-02-29');
    expect(resolvePeriod({ month: '2000-02' }, clock).until).toBe('2000-02-29');
    expect(resolvePeriod({ month: '2100-02' }, clock).until).toBe('2100-02-28');
    expect(resolvePeriod({ month: '2026-04' }, clock).until).toBe('2026-04-30');
    expect(resolvePeriod({ month: '2026-12' }, clock)).toEqual({ since: '2026-12-01', until: '2026-12-31', tz: 'UTC' });
    expect(resolvePeriod({ lastMonth: true }, () => new Date('2027-01-10T00:00:00Z'))).toEqual({ since: '2026-12-01', until: '2026-12-31', tz: 'UTC' });
    expect(resolvePeriod({ since: '2024-02-29' }, clock).since).toBe('2024-02-29');
  });

  it('uses the zone to decide which month "last month" is', () => {
    const newYearsEve = () => new Date('2026-12-31T20:00:00Z'); // already 2027-01-01 in Tokyo
    expect(resolvePeriod({ lastMonth: true, tz: 'Asia/Tokyo' }, newYearsEve).since).toBe('2026-12-01');
    expect(resolvePeriod({ lastMonth: true }, newYearsEve).since).toBe('2026-11-01');
  });

  it.each([
    [{ since: '2026-13-01' }, "--since '2026-13-01' is not a date"],
    [{ until: '2026-02-29' }, "--until '2026-02-29' is not a date"],
    [{ since: '2026-04-31' }, "--since '2026-04-31' is not a date"],
    [{ since: '2026-10-00' }, "--since '2026-10-00' is not a date"],
    [{ since: '2026-1-5' }, "--since '2026-1-5' is not a date"],
    [{ tz: 'utc ' }, "unknown time zone 'utc '"],
    [{ month: 'Oct' }, "--month 'Oct' is not a month"],
    [{ month: '2026-13' }, "--month '2026-13' is not a month"],
    [{ since: '2026-10-05', until: '2026-10-01' }, 'is after --until'],
    [{ month: '2026-10', since: '2026-10-01' }, 'choose one of'],
    [{ tz: 'Mars/Olympus' }, "unknown time zone 'Mars/Olympus'"],
  ])('rejects %o', (flags, message) => {
    expect(() => resolvePeriod(flags, clock)).toThrow(message);
  });
});
