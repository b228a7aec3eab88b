/**
 * generate_series with date and time bounds through `PostgresSqlGuard.check`: the guard reads each
 * bound as PostgreSQL reads it (or refuses it), and sizes the series by the longest it can be.
 * Each refused case below ran through an earlier guard, which counted it small.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../functions/core/guard/postgres-parser.ts';
import { PostgresSqlGuard } from '../../functions/core/guard/sql-guard.ts';

const guard = new PostgresSqlGuard();
const viewer = { subject: 't', role: 'viewer' } as const;

beforeAll(async () => {
  await loadParser();
});

const series = (start: string, stop: string, step: string) => `select count(*) from generate_series(${start}, ${stop}, ${step}) g`;

describe('Wall: generate_series bounds read as PostgreSQL reads them', () => {
  it.each([
    ['a BC date, which is not a time zone (1.5 million days)', series("date '2020-01-01 BC'", "date '2020-01-01'", "interval '1 day'"), /1,539,356 rows/],
    ['a BC timestamp by the hour (35 million rows)', series("timestamp '2020-01-01 BC'", "timestamp '2020-01-01'", "interval '1 hour'"), /3\.5e7 rows/],
    ['a BC timestamptz written as a cast of text', series("'2020-01-01 BC'::timestamptz", "'2020-01-01'::timestamptz", "'1 hour'"), /3\.5e7 rows/],
    ['a BC bound after the time', series("timestamp '2020-01-01 10:00 bc'", "timestamp '2020-01-01'", "interval '1 hour'"), /3\.5e7 rows/],
    ['a year below 100, which is no year of the 1900s', series("date '0050-01-01'", "date '2020-01-01'", "interval '1 hour'"), /1\.7e7 rows/],
    ['make_date of a year below 100', series('make_date(50, 1, 1)', "date '2020-01-01'", "interval '1 hour'"), /1\.7e7 rows/],
    ['date_trunc to the millennium, which moves a bound back by up to 1000 years', series("date_trunc('millennium', timestamp '2999-01-01')", "timestamp '2999-01-01'", "interval '1 hour'"), /rows; at most/],
    ['a date literal with a time of day, which the date drops', series("date '2020-01-01 23:59'", "timestamp '2020-01-02'", "interval '1 millisecond'"), /rows; at most/],
    ['timestamptz offsets 26 hours apart', series("timestamptz '2020-01-01 00:00+14'", "timestamptz '2020-01-02 00:00-12'", "interval '100 milliseconds'"), /1,800,001 rows/],
    ['the epoch by the minute', series("timestamp 'epoch'", "timestamp '2020-01-01'", "interval '1 minute'"), /2\.6e7 rows/],
    ['a Julian day', series("date 'J0000001'", "date '2020-01-01'", "interval '1 day'"), /rows; at most/],
  ])('refuses %s', async (_label, sql, reason) => {
    expect(await guard.check(sql, viewer)).toMatchObject({ allowed: false, rule: 'complexity', reason: expect.stringMatching(reason) });
  });

  it.each([
    ['PM, which the guard does not read', series("timestamp '2020-01-01 10:00'", "timestamp '2020-01-01 01:00 pm'", "interval '1 millisecond'")],
    ['a month name', series("date 'Jan 1 2020'", "date '2020-02-01'", "interval '1 day'")],
    ['digits run together (read by DateStyle)', series("timestamp '20200101'", "timestamp '2020-01-02'", "interval '1 minute'")],
    ['a year past 9999', series("date '2020-01-01'", "date '20200-01-01'", "interval '1 year'")],
    ['-infinity', series("'-infinity'::timestamp", "timestamp '2020-01-01'", "interval '1 day'")],
    ['a POSIX zone with digits', series("timestamptz '2020-01-01 00:00 Etc/GMT+12'", "timestamptz '2020-01-02'", "interval '1 hour'")],
    ['a field-restricted interval step that truncates', series("timestamp '2020-01-01'", "timestamp '2020-01-02'", "interval '119 seconds' minute")],
    ['a fractional step with a precision that rounds', series("timestamp '2020-01-01'", "timestamp '2020-01-02'", "interval '1.4' second(0)")],
  ])('refuses a bound it cannot read exactly: %s', async (_label, sql) => {
    expect(await guard.check(sql, viewer)).toMatchObject({ allowed: false, rule: 'complexity', reason: expect.stringMatching(/needs constant arguments/) });
  });

  it('reads relative words conservatively: today to tomorrow by 100 ms may be too many rows', async () => {
    const verdict = await guard.check(series("'today'::timestamp", "'tomorrow'::timestamp", "interval '100 milliseconds'"), viewer);
    expect(verdict).toMatchObject({ allowed: false, rule: 'complexity' });
  });

  it.each([
    ['a timestamp whose offsets are ignored (timestamp has no zone)', series("timestamp '2020-01-01 00:00+14'", "timestamp '2020-01-02 00:00-12'", "interval '100 milliseconds'")],
    ['a BC range that is small', series("date '0044-03-01 BC'", "date '0044-03-31 BC'", "interval '1 day'")],
    ['Julian days', series("date 'J2451187'", "date 'J2451200'", "interval '1 day'")],
    ['a day from the epoch', series("timestamptz 'epoch'", "timestamptz 'epoch' + interval '1 day'", "interval '1 hour'")],
    ['ISO 8601 with T and Z', series("timestamptz '2025-01-01T00:00:00Z'", "timestamptz '2025-01-02T00:00:00Z'", "interval '1 minute'")],
    ['a named zone', series("timestamptz '2025-01-01 00:00 Europe/Berlin'", "timestamptz '2025-01-02 00:00 Europe/Berlin'", "interval '1 hour'")],
    ['yesterday to tomorrow by the hour', series("'yesterday'::timestamptz", "'tomorrow'::timestamptz", "interval '1 hour'")],
    ['now() back 90 days', series("now() - interval '90 days'", 'now()', "interval '1 day'")],
    ['current_date minus 30 days (integer arithmetic on a date)', series('current_date - 30', 'current_date', "interval '1 day'")],
    ['date_trunc of current_date', series("date_trunc('month', current_date)", 'current_date', "interval '1 day'")],
    ['make_date of BC years', series('make_date(-44, 3, 1)', 'make_date(-44, 3, 31)', "interval '1 day'")],
    ['an interval with a field unit on a whole number', series("date '2025-01-01'", "date '2025-12-01'", "interval '1' month")],
    ['a time zone argument (PostgreSQL 16+)', series("timestamptz '2025-01-01'", "timestamptz '2025-12-01'", "interval '1 day'").replace(') g', ", 'Europe/Berlin') g")],
  ])('allows %s', async (_label, sql) => {
    const verdict = await guard.check(sql, viewer);
    if (!verdict.allowed) throw new Error(`expected it allowed, got (${verdict.rule}) ${verdict.reason}`);
  });
});
