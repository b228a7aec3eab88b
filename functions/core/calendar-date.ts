/**
 * Calendar dates as the whole project writes them: `YYYY-MM-DD`, one UTC day, no time zone.
 * One check for the command line, the generator and anything else that takes a date from outside.
 */

/** True for a `YYYY-MM-DD` string that names a real day (so not `2025-02-30`). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
