/**
 * `SeedTarget`s for the two drivers: PGlite (COPY from an in-memory blob, in batches) and
 * node-postgres (COPY FROM STDIN through pg-copy-streams, streamed with back-pressure).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pgScript, pgliteScript } from './script-executors.ts';
import type { SeedTarget } from './seed.ts';

/** Rows per PGlite COPY: big enough to amortise the statement, small enough to report progress. */
const PGLITE_BATCH_ROWS = 25_000;
/** Rows per chunk written to the COPY stream of a real server. */
const STREAM_CHUNK_ROWS = 2_000;

/** Loads into a PGlite instance. */
export function pgliteSeedTarget(db: PGlite): SeedTarget {
  return {
    execute: pgliteScript(db),
    async copyIn(table, columns, lines, onRows) {
      const statement = `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`;
      let batch: string[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await db.query(statement, [], { blob: new Blob(batch) });
        onRows(batch.length);
        batch = [];
      };
      for (const line of lines) {
        batch.push(line);
        if (batch.length >= PGLITE_BATCH_ROWS) await flush();
      }
      await flush();
    },
  };
}

/** Loads into a real PostgreSQL through a connected client. */
export function postgresSeedTarget(client: pg.ClientBase): SeedTarget {
  return {
    execute: pgScript(client),
    async copyIn(table, columns, lines, onRows) {
      // Into the partitioned parent, which routes each row to its region's partition. (Not FREEZE:
      // PostgreSQL refuses COPY FREEZE on a partitioned table.)
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      await pipeline(Readable.from(chunks(lines, onRows)), stream);
    },
  };
}

function* chunks(lines: Iterable<string>, onRows: (rows: number) => void): Generator<string> {
  let chunk = '';
  let rows = 0;
  for (const line of lines) {
    chunk += line;
    rows += 1;
    if (rows === STREAM_CHUNK_ROWS) {
      yield chunk;
      onRows(rows);
      chunk = '';
      rows = 0;
    }
  }
  if (rows > 0) {
    yield chunk;
    onRows(rows);
  }
}
