/**
 * The guard's reading of date/time literals (datetime-values.ts) against the servers themselves:
 * PostgreSQL 15 on 127.0.0.1 and PGlite (PostgreSQL 18). Whatever the guard reads, the server must
 * read to a value inside the guard's range, in every session time zone; generated literals mix the
 * tokens that fooled earlier readers (eras, AM/PM, zone names, offsets, Julian days).
 */
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, readMoment, type TimeType } from '../../functions/core/guard/datetime-values.ts';
import { postgresAvailable, TEST_POSTGRES_URL } from '../support/postgres.ts';

/** A server that answers one query with the value's epoch in ms, or `undefined` when it rejects the literal. */
type EpochOf = (literal: string, type: TimeType, zone: string) => Promise<number | undefined>;

const ZONES = ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12', 'America/Sitka'];
const TYPES: readonly TimeType[] = ['date', 'timestamp', 'timestamptz'];

const literal = fc.oneof(
  { weight: 6, arbitrary: calendarLiteral() },
  { weight: 1, arbitrary: fc.constantFrom('epoch', 'J2451187', 'j0000001', 'today', 'tomorrow', 'yesterday', 'now', 'infinity', '-infinity', 'allballs', ' epoch ') },
);

function calendarLiteral(): fc.Arbitrary<string> {
  const year = fc.oneof(fc.integer({ min: 1, max: 9999 }).map((y) => String(y).padStart(4, '0')), fc.constantFrom('0000', '50', '12345', '0044'));
  const month = fc.integer({ min: 0, max: 13 }).map(String);
  const day = fc.tuple(fc.integer({ min: 0, max: 32 }), fc.boolean()).map(([d, pad]) => (pad ? String(d).padStart(2, '0') : String(d)));
  const time = fc.option(
    fc.tuple(fc.constantFrom(' ', 'T', '  ', 't'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: 0, max: 61 })), fc.option(fc.stringMatching(/^[0-9]{1,8}$/)))
      .map(([sep, h, m, s, f]) => `${sep}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}${s === null ? '' : `:${String(s).padStart(2, '0')}${f === null ? '' : `.${f}`}`}`),
  );
  const zone = fc.option(fc.constantFrom('+05', '-05', '+0530', '-5:30', '+14', '-12:45', '+ 03', 'Z', 'z', 'UTC', 'GMT', 'zulu', 'Europe/Berlin', 'America/New_York', 'EST', 'CET', 'pm', 'am', 'allballs', 'Etc/GMT+3', 'on', 'monday', 'dst'));
  const era = fc.option(fc.constantFrom('BC', 'AD', 'bc', 'B.C.'));
  const space = fc.constantFrom(' ', '', '  ');
  return fc.tuple(year, month, day, time, space, zone, fc.constantFrom(' ', '  '), era)
    .map(([y, m, d, t, gap, z, gap2, e]) => `${y}-${m}-${d}${t ?? ''}${z === null ? '' : gap + z}${e === null ? '' : gap2 + e}`);
}

function checkAgainst(name: string, open: () => Promise<{ epochOf: EpochOf; close: () => Promise<void> }>, runs: number, skip: () => boolean) {
  describe.skipIf(skip())(`Reading date/time literals as ${name} does`, () => {
    let server: { epochOf: EpochOf; close: () => Promise<void> };
    beforeAll(async () => {
      server = await open();
    });
    afterAll(async () => {
      await server?.close();
    });

    it.each([
      ['2020-01-01 BC', 'timestamp', 'UTC', -125_880_652_800_000],
      ['2020-01-01 10:00 BC', 'timestamp', 'UTC', -125_880_616_800_000],
      ['0050-01-01', 'date', 'UTC', -60_589_296_000_000],
      ['epoch', 'timestamptz', 'Pacific/Kiritimati', 0],
      ['J2451187', 'date', 'UTC', 915_753_600_000],
      ['2020-01-01 00:00+14', 'timestamptz', 'America/Sitka', 1_577_786_400_000],
      ['2020-01-01 00:00+14', 'timestamp', 'UTC', 1_577_836_800_000],
      ['2020-01-01 23:59', 'date', 'UTC', 1_577_836_800_000],
      ['2020-01-01 24:00', 'timestamp', 'UTC', 1_577_923_200_000],
    ] as const)('reads %s as a %s exactly as the server does (zone %s)', async (text, type, zone, expected) => {
      const moment = readMoment(text, type);
      expect(moment).toMatchObject({ least: expected, most: expected });
      expect(await server.epochOf(text, type, zone)).toBe(expected);
    });

    it('holds the server’s value in its range for every literal it reads, in every session zone', async () => {
      await fc.assert(
        fc.asyncProperty(literal, fc.constantFrom(...TYPES), fc.constantFrom(...ZONES), async (text, type, zone) => {
          const moment = readMoment(text, type);
          if (!moment) return; // refused: never counted small
          const actual = await server.epochOf(text, type, zone);
          expect(actual, `${type} '${text}' is read by the guard but rejected by the server`).not.toBeUndefined();
          // A clock value ('now', 'today') is exact only up to the clocks' skew, which series add for it.
          const tolerance = moment.clock ? CLOCK_SKEW_MS : 0.001;
          expect(actual!).toBeGreaterThanOrEqual(moment.least - tolerance);
          expect(actual!).toBeLessThanOrEqual(moment.most + tolerance);
        }),
        { numRuns: runs, seed: 7 },
      );
    });
  });
}

const epochQuery = (type: TimeType) => `select (extract(epoch from $1::${type}) * 1000)::float8 as ms`;

const postgres = await postgresAvailable();
checkAgainst(
  'PostgreSQL 15',
  async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    return {
      epochOf: async (text, type, zone) => {
        try {
          await client.query('select set_config($1, $2, false)', ['TimeZone', zone]);
          return Number((await client.query(epochQuery(type), [text])).rows[0].ms);
        } catch {
          return undefined;
        }
      },
      close: () => client.end(),
    };
  },
  600,
  () => !postgres,
);

checkAgainst(
  'PGlite (PostgreSQL 18)',
  async () => {
    const db = await PGlite.create();
    return {
      epochOf: async (text, type, zone) => {
        try {
          await db.query('select set_config($1, $2, false)', ['TimeZone', zone]);
          return Number((await db.query<{ ms: number }>(epochQuery(type), [text])).rows[0]!.ms);
        } catch {
          return undefined;
        }
      },
      close: () => db.close(),
    };
  },
  300,
  () => false,
);
