/**
 * Dates and times as PostgreSQL reads them, for sizing a `generate_series` before it runs
 * (internal to the guard; constant-values.ts evaluates the expressions around them).
 *
 * A value is a range, `[least, most]` in milliseconds, that surely holds what the server computes:
 * exact where the text fixes the value (`2024-01-01`, `2020-01-01 10:00+05`, `J2451187`,
 * `2020-01-01 BC`, `epoch`), as wide as the unknown makes it where it does not: the session's time
 * zone (any offset within ±16 hours), a named zone, or the database clock (`now`, `today`).
 *
 * Why so strict a reader: the server's date/time parser accepts far more than ISO 8601 — era
 * markers, `allballs`, AM/PM, month and day names, Julian days, run-together digits read by
 * DateStyle — and one token read wrongly (`BC` taken for a time zone) turns a series of a million
 * rows into one of 35 million. So this reader accepts a small grammar it reads exactly, and
 * everything else is unreadable: the callers refuse it, never call it small.
 */

/** The date/time types a series bound can have (`date` series run as `timestamptz`). */
export type TimeType = 'date' | 'timestamp' | 'timestamptz';

/**
 * A point in time: `date` and `timestamp` values as wall-clock milliseconds read as UTC, a
 * `timestamptz` as the instant. The server's value lies in `[least, most]`.
 */
export interface Moment {
  readonly kind: 'time';
  readonly type: TimeType;
  readonly least: number;
  readonly most: number;
  /** Read from the database clock: exact only relative to other clock values of the same statement. */
  readonly clock: boolean;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * How far a local time can be from UTC: PostgreSQL accepts numeric offsets up to ±15:59:59, and no
 * zone of the tz database (old local mean times included) is further out.
 */
export const ZONE_SLACK_MS = 16 * HOUR_MS;

/**
 * How far the database's clock may be from this process's: a clock value compared with a fixed
 * date is widened by this much (two clock values share the statement's clock and need nothing).
 */
export const CLOCK_SKEW_MS = DAY_MS;

/** The first day the server's dates and timestamps hold: Julian day 0, 4714-11-24 BC. */
const FIRST_DAY = -2_440_588;

const ERA = /^(bc|ad)$/i;
/** Zone names that are UTC whatever the server's abbreviation table says. */
const UTC_NAMES = /^(z|zulu|utc|gmt|ut)$/i;
/** A zone of the tz database (`Europe/Berlin`): an offset the guard does not know, within ZONE_SLACK_MS. */
const ZONE_PATH = /^[A-Za-z][A-Za-z_]*(\/[A-Za-z][A-Za-z_-]*)+$/;
/**
 * Abbreviations that name zones in every abbreviation set PostgreSQL ships and no date/time keyword
 * (so they are zones, never an era, a month or AM/PM); their offsets are within ZONE_SLACK_MS.
 */
const ZONE_ABBREVIATIONS = new Set([
  'cet', 'cest', 'eet', 'eest', 'wet', 'west', 'bst', 'est', 'edt', 'cst', 'cdt', 'mst', 'mdt', 'pst', 'pdt',
  'akst', 'akdt', 'hst', 'jst', 'kst', 'aest', 'aedt', 'acst', 'acdt', 'awst', 'nzst', 'nzdt', 'msk',
]);

/** Reads a date/time literal as the server reads it for `type`, or `undefined` when it cannot be read exactly. */
export function readMoment(text: string, type: TimeType, now: number = Date.now()): Moment | undefined {
  const trimmed = text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  const word = trimmed.toLowerCase();
  if (word === 'epoch') return exact(type, 0);
  if (word === 'now') return fromClock(type, now, 'timestamptz');
  const relativeDays = { yesterday: -1, today: 0, tomorrow: 1 }[word];
  if (relativeDays !== undefined) {
    // Midnight of the local date: within a day and a zone of now, whatever the session's zone.
    const at = now + relativeDays * DAY_MS;
    return { kind: 'time', type, least: at - DAY_MS - ZONE_SLACK_MS, most: at + ZONE_SLACK_MS, clock: true };
  }
  const julian = /^j(\d{1,7})$/i.exec(trimmed);
  if (julian) return local(type, (Number(julian[1]) - 2_440_588) * DAY_MS, undefined);
  return readCalendar(trimmed, type);
}

/** `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][ zone][ BC|AD]`, the zone and the era in either order. */
function readCalendar(text: string, type: TimeType): Moment | undefined {
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
  if (!date) return undefined;
  let rest = text.slice(date[0].length);
  let time = 0;
  let zone: number | 'unknown' | undefined;
  const clock = /^(?:[Tt]|[ \t\n\r\f\v]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/.exec(rest);
  if (clock) {
    const [hours, minutes, seconds] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    const fraction = clock[4] ? Math.round(Number(`0.${clock[4]}`) * 1e6) / 1e3 : 0;
    if (minutes > 59 || seconds > 60 || hours > 24 || (hours === 24 && (minutes > 0 || seconds > 0 || fraction > 0))) return undefined;
    time = hours * HOUR_MS + minutes * 60_000 + seconds * 1_000 + fraction;
    rest = rest.slice(clock[0].length);
  }
  let era: string | undefined;
  // What may follow: an offset (attached to the time, or after a space), a zone name, an era.
  for (;;) {
    const offset = /^[ \t\n\r\f\v]*([+-])[ \t\n\r\f\v]*(\d{1,4})(?::(\d{2})(?::(\d{2}))?)?(?=[ \t\n\r\f\v]|$)/.exec(rest);
    if (offset && zone === undefined && (clock || /^[ \t\n\r\f\v]/.test(rest))) {
      const digits = offset[2]!;
      let [hours, minutes] = [Number(digits), Number(offset[3] ?? 0)];
      if (offset[3] === undefined && digits.length > 2) [hours, minutes] = [Math.floor(hours / 100), hours % 100];
      else if (digits.length > 2) return undefined;
      const seconds = Number(offset[4] ?? 0);
      if (hours > 15 || minutes > 59 || seconds > 59) return undefined;
      zone = (offset[1] === '-' ? -1 : 1) * (hours * HOUR_MS + minutes * 60_000 + seconds * 1_000);
      rest = rest.slice(offset[0].length);
      continue;
    }
    // A name after a space or right after digits: the server splits fields where letters start.
    const name = /^[ \t\n\r\f\v]*([A-Za-z][A-Za-z_/-]*)(?=[ \t\n\r\f\v]|$)/.exec(rest);
    if (!name) break;
    const token = name[1]!;
    if (ERA.test(token) && era === undefined) {
      era = token.toLowerCase();
    } else if (token.toLowerCase() === 'allballs' && !clock && zone === undefined) {
      zone = 0; // 00:00:00 UTC
    } else if (zone === undefined && UTC_NAMES.test(token)) {
      zone = 0;
    } else if (zone === undefined && (ZONE_PATH.test(token) || ZONE_ABBREVIATIONS.has(token.toLowerCase()))) {
      zone = 'unknown';
    } else {
      return undefined;
    }
    rest = rest.slice(name[0].length);
  }
  if (rest.replace(/^[ \t\n\r\f\v]+/, '') !== '') return undefined;
  const [written, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  if (written < 1) return undefined; // year 0 does not exist, BC or AD
  const year = era === 'bc' ? 1 - written : written;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const days = daysFromCivil(year, month, day);
  if (days < FIRST_DAY) return undefined;
  const wall = days * DAY_MS;
  return local(type, wall + (type === 'date' ? 0 : time), type === 'timestamptz' ? zone : undefined);
}

/** A wall-clock value of `type`: exact for `date` and `timestamp`, an instant within the zone's reach for `timestamptz`. */
function local(type: TimeType, wall: number, zone: number | 'unknown' | undefined): Moment {
  if (type === 'date') return exact(type, Math.floor(wall / DAY_MS) * DAY_MS);
  if (type === 'timestamp' || typeof zone === 'number') return exact(type, wall - (typeof zone === 'number' ? zone : 0));
  return { kind: 'time', type, least: wall - ZONE_SLACK_MS, most: wall + ZONE_SLACK_MS, clock: false };
}

function exact(type: TimeType, ms: number): Moment {
  return { kind: 'time', type, least: ms, most: ms, clock: false };
}

/** The clock's `now` seen as `type`: an instant for timestamptz, the local wall clock or date otherwise. */
export function fromClock(type: TimeType, now: number, source: TimeType): Moment {
  return convertMoment({ kind: 'time', type: source, least: now, most: now, clock: true }, type);
}

/**
 * A value converted to another type as the server casts it: through the session's time zone
 * (unknown: ±16 hours) between `timestamptz` and the others, truncated to the day for `date`.
 */
export function convertMoment(value: Moment, type: TimeType): Moment {
  if (value.type === type) return value;
  const zoned = (value.type === 'timestamptz') !== (type === 'timestamptz');
  const [least, most] = zoned ? [value.least - ZONE_SLACK_MS, value.most + ZONE_SLACK_MS] : [value.least, value.most];
  if (type === 'date') return { ...value, type, least: Math.floor(least / DAY_MS) * DAY_MS, most: Math.floor(most / DAY_MS) * DAY_MS };
  return { ...value, type, least, most };
}

/** A calendar date's days since 1970-01-01, proleptic Gregorian, astronomical years (1 BC is year 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * The most `date_trunc(unit, …)` can move a value back, by unit name as the server spells them
 * (DecodeUnits), or `undefined` for a unit it does not know.
 */
export function truncationReach(unit: string): number | undefined {
  const name = unit.trim().toLowerCase();
  const table: readonly [RegExp, number][] = [
    [/^(microseconds?|us|usecs?)$/, 0.001],
    [/^(milliseconds?|ms|msecs?)$/, 1],
    [/^(seconds?|s|secs?)$/, 1_000],
    [/^(minutes?|m|mins?)$/, 60_000],
    [/^(hours?|h|hrs?)$/, HOUR_MS],
    [/^(days?|d)$/, DAY_MS],
    [/^(weeks?|w)$/, 7 * DAY_MS],
    [/^(months?|mons?)$/, 31 * DAY_MS],
    [/^(quarter|qtr)$/, 92 * DAY_MS],
    [/^(years?|y|yrs?)$/, 366 * DAY_MS],
    [/^(decades?|decs?)$/, 3_654 * DAY_MS],
    [/^(century|centuries|c|cent)$/, 36_526 * DAY_MS],
    [/^(millennium|millennia|mil|mils)$/, 365_250 * DAY_MS],
  ];
  return table.find(([pattern]) => pattern.test(name))?.[1];
}
