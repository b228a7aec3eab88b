/**
 * Calendar arithmetic on whole UTC days, for the generator. Dates are `YYYY-MM-DD` strings and day
 * numbers (days since 1970-01-01); nothing here reads the clock, the time zone or the locale, so the
 * same range gives the same days everywhere.
 */
import { isCalendarDate } from '../core/calendar-date.ts';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The day number of a `YYYY-MM-DD` date; throws on anything that is not a real calendar date. */
export function dayNumber(date: string): number {
  if (!ISO_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
}

/** The `YYYY-MM-DD` string of a day number. */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The calendar parts of a day number: month 1–12, weekday 0 = Monday … 6 = Sunday. */
export function dayParts(day: number): { year: number; month: number; weekday: number } {
  const date = new Date(day * MS_PER_DAY);
  // 1970-01-01 was a Thursday (weekday 3 when Monday is 0).
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, weekday: (((day + 3) % 7) + 7) % 7 };
}
