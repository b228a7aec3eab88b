/**
 * The deploy-time migration function (functions/migrate): splitting scripts for the Data API, the
 * Data API transaction mapping, and the whole run against a Data API stand-in backed by PGlite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type RDSDataClient,
} from '@aws-sdk/client-rds-data';
import { parseSync, loadModule } from 'libpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataApiScript } from '../../functions/migrate/data-api-script.ts';
import { applySchema, respond } from '../../functions/migrate/handler.ts';
import { queryRoleScript } from '../../functions/migrate/query-role.ts';
import { splitStatements } from '../../functions/migrate/split-statements.ts';
import { loadMigrations, migrationsDirectory } from '../../functions/warehouse/migrate.ts';

describe('Function: splitStatements', () => {
  it('splits on top-level semicolons only', () => {
    expect(
      splitStatements(`select 'a;b' as "c;d"; -- one; two
      /* x; /* nested; */ y; */ select E'it\\'s;';
      DO $$ BEGIN PERFORM 1; END $$; select $tag$ ; $$ ; $tag$;`),
    ).toEqual([
      `select 'a;b' as "c;d"`,
      `-- one; two\n      /* x; /* nested; */ y; */ select E'it\\'s;'`,
      'DO $$ BEGIN PERFORM 1; END $$',
      'select $tag$ ; $$ ; $tag$',
    ]);
  });

  it('drops empty and comment-only statements', () => {
    expect(splitStatements(';; -- nothing\n ; /* none */')).toEqual([]);
  });

  it("agrees with PostgreSQL's own parser on every migration file and the query-role script", async () => {
    await loadModule();
    const scripts = [...(await loadMigrations()).map((m) => m.sql), queryRoleScript('bi_query')];
    for (const sql of scripts) {
      const parsed = parseSync(sql) as { stmts: unknown[] };
      expect(splitStatements(sql)).toHaveLength(parsed.stmts.length);
    }
  });

  it('rejects an unterminated dollar quote', () => {
    expect(() => splitStatements('DO $$ BEGIN')).toThrow(/Unterminated/);
  });
});

/** The Data API's contract, served by PGlite: one statement a call, transactions by id. */
class PgliteDataApi {
  readonly calls: { command: string; sql?: string; transactionId?: string }[] = [];
  #open: string | undefined;
  #next = 0;
  constructor(readonly db: PGlite) {}

  async send(command: object): Promise<Record<string, unknown>> {
    const input = (command as { input: Record<string, any> }).input;
    this.calls.push({ command: command.constructor.name, sql: input.sql, transactionId: input.transactionId });
    if (command instanceof BeginTransactionCommand) {
      if (this.#open) throw new Error('one transaction at a time in this stand-in');
      await this.db.exec('BEGIN');
      this.#open = `tx-${++this.#next}`;
      return { transactionId: this.#open };
    }
    if (command instanceof CommitTransactionCommand || command instanceof RollbackTransactionCommand) {
      if (input.transactionId !== this.#open) throw Object.assign(new Error('unknown transaction'), { name: 'TransactionNotFoundException' });
      await this.db.exec(command instanceof CommitTransactionCommand ? 'COMMIT' : 'ROLLBACK');
      this.#open = undefined;
      return {};
    }
    if (command instanceof ExecuteStatementCommand) {
      if (this.#open && input.transactionId !== this.#open) throw new Error('statement outside the open transaction');
      if (splitStatements(input.sql).length !== 1) throw new Error('the Data API runs one statement a call');
      const result = await this.db.query(input.sql);
      return { formattedRecords: JSON.stringify(result.rows) };
    }
    throw new Error(`unexpected command ${command.constructor.name}`);
  }
}

describe('Deploy-time migrations through the Data API', () => {
  let db: PGlite;
  let api: PgliteDataApi;
  beforeAll(async () => {
    db = await PGlite.create();
    api = new PgliteDataApi(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  const target = { resourceArn: 'arn:aws:rds:eu-west-1:000000000000:cluster:test', secretArn: 'arn:secret', database: 'bi' };

  it('applies every migration, one statement a call, BEGIN…COMMIT as one Data API transaction', async () => {
    const execute = dataApiScript(api as unknown as RDSDataClient, target);
    const report = await applySchema(execute, 'bi_query');
    const migrations = await loadMigrations();
    expect(report.applied).toEqual(migrations.map((m) => m.version));
    expect(execute.transactionId()).toBeUndefined();
    const inTransaction = api.calls.filter((call) => call.command === 'ExecuteStatementCommand' && call.transactionId);
    expect(inTransaction.length).toBeGreaterThan(migrations.length);
    const versions = await db.query<{ version: number }>('select version from bi_agent.schema_migrations order by 1');
    expect(versions.rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('creates the read-only login, read-only by default, able to switch to the three database roles and reading nothing itself', async () => {
    const role = await db.query<{ rolcanlogin: boolean; switches: boolean; inherits: boolean; config: string[] | null }>(
      `select rolcanlogin,
              pg_has_role('bi_query', 'bi_viewer', 'SET') and pg_has_role('bi_query', 'bi_analyst', 'SET') and pg_has_role('bi_query', 'bi_admin', 'SET') as switches,
              pg_has_role('bi_query', 'bi_viewer', 'USAGE') or pg_has_role('bi_query', 'bi_analyst', 'USAGE') or pg_has_role('bi_query', 'bi_admin', 'USAGE') as inherits,
              rolconfig as config
         from pg_roles where rolname = 'bi_query'`,
    );
    expect(role.rows[0]).toEqual({ rolcanlogin: true, switches: true, inherits: false, config: ['default_transaction_read_only=on'] });
    const setConfig = await db.query<{ allowed: boolean }>(
      `select has_function_privilege('bi_query', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') as allowed`,
    );
    expect(setConfig.rows[0]!.allowed).toBe(true);
  });

  it('does nothing but check on a second run', async () => {
    const before = api.calls.length;
    const report = await applySchema(dataApiScript(api as unknown as RDSDataClient, target), 'bi_query');
    expect(report.applied).toEqual([]);
    expect(api.calls.length - before).toBeLessThan(20);
  });

  it('rolls the migration back when a statement fails', async () => {
    const execute = dataApiScript(api as unknown as RDSDataClient, target);
    await expect(execute('BEGIN; CREATE TABLE bi_agent.half_done (x int); SELECT no_such_function();')).rejects.toThrow();
    await execute('ROLLBACK');
    const exists = await db.query(`select to_regclass('bi_agent.half_done') as t`);
    expect(exists.rows[0]).toEqual({ t: null });
  });

  it('keeps the migration files where the bundle copies them from', () => {
    expect(migrationsDirectory()).toMatch(/functions[/\\]warehouse[/\\]migrations$/);
    expect(readFileSync(join(migrationsDirectory(), '002_read_only_role.sql'), 'utf8')).toContain('bi_reader');
  });
});

describe('Function: respond', () => {
  it('PUTs the response to the pre-signed URL with an empty content type', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    await respond(
      'https://example.com/signed',
      { Status: 'SUCCESS', PhysicalResourceId: 'p', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' },
      fetcher,
    );
    expect(seen[0]!.init.method).toBe('PUT');
    expect((seen[0]!.init.headers as Record<string, string>)['content-type']).toBe('');
    expect(JSON.parse(String(seen[0]!.init.body))).toMatchObject({ Status: 'SUCCESS' });
  });
});
