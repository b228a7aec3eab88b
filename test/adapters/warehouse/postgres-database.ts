/**
 * A throw-away database on the machine's PostgreSQL (127.0.0.1:5432, trust auth) holding the
 * sample warehouse. `PGTEST_URL` points elsewhere if needed. Each test file gets its own database
 * (`bi_exec_test_*`) and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sampleWarehouseSql } from './sample-warehouse.ts';

const adminUrl = process.env.PGTEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly name: string;
  readonly connectionString: string;
  drop(): Promise<void>;
}

/** Creates a database; with `seed` (default) it holds the migrations and the sample rows. */
export async function createTestDatabase(seed = true): Promise<TestDatabase> {
  const name = `bi_exec_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  if (seed) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(sampleWarehouseSql());
    } finally {
      await client.end();
    }
  }
  return {
    name,
    connectionString,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
