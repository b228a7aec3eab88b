/**
 * The deploy-time migration function (functions/migrate): splitting scripts for the Data API, the
 * Data API transaction mapping, and the whole run against a Data API stand-in backed by PGlite
 * (PostgreSQL 18: the memberships without INHERIT). The same run on PostgreSQL 15 through the real
 * client and the local Data API endpoint, with secrets, passwords and rotation, is in test/migrate/.
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
import { queryLoginsScript } from '../../functions/migrate/query-role.ts';
import { scramSha256Verifier } from '../../functions/migrate/scram-verifier.ts';
import { splitStatements } from '../../functions/migrate/split-statements.ts';
import { loadMigrations, migrationsDirectory } from '../../functions/warehouse/migrate.ts';
import { dataApiCanReturn, type PgType } from '../adapters/warehouse/fake-rds-data-endpoint.ts';
import { resourcesOf, roleIdOf, statementsOfRole, synthesize } from './support/synth.ts';

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

  it("agrees with PostgreSQL's own parser on every migration file and the query logins' script", async () => {
    await loadModule();
    const logins = queryLoginsScript('bi_query', { username: 'bi_query', verifier: scramSha256Verifier('pw') });
    const scripts = [...(await loadMigrations()).map((m) => m.sql), logins];
    for (const sql of scripts) {
      const parsed = parseSync(sql) as { stmts: unknown[] };
      expect(splitStatements(sql)).toHaveLength(parsed.stmts.length);
    }
  });

  it('rejects an unterminated dollar quote', () => {
    expect(() => splitStatements('DO $$ BEGIN')).toThrow(/Unterminated/);
  });
});

/**
 * The Data API's contract, served by PGlite: one statement a call, transactions by id, and only the
 * result types the service can return (the local endpoint's rule, test/adapters/warehouse).
 */
class PgliteDataApi {
  readonly calls: { command: string; sql?: string; transactionId?: string }[] = [];
  #open: string | undefined;
  #next = 0;
  #types = new Map<number, PgType>();
  constructor(readonly db: PGlite) {}

  async #typeOf(oid: number): Promise<PgType | undefined> {
    if (!this.#types.has(oid)) {
      const { rows } = await this.db.query<{ oid: number; typname: string; typtype: string; typelem: number }>(
        'SELECT oid::int, typname::text, typtype::text, typelem::int FROM pg_type WHERE oid = $1 OR oid = (SELECT typelem FROM pg_type WHERE oid = $1)',
        [oid],
      );
      for (const row of rows) this.#types.set(row.oid, { name: row.typname, kind: row.typtype, element: row.typelem });
    }
    return this.#types.get(oid);
  }

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
      for (const field of result.fields) {
        const type = await this.#typeOf(field.dataTypeID);
        if (!dataApiCanReturn(type, (oid) => this.#types.get(oid))) {
          throw Object.assign(new Error(`The result contains the unsupported data type "${type?.name ?? field.dataTypeID}".`), { name: 'UnsupportedResultException' });
        }
      }
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
  const query = { baseUsername: 'bi_query', credentials: { username: 'bi_query', password: 'the query secret password' } };

  it('applies every migration, one statement a call, BEGIN…COMMIT as one Data API transaction', async () => {
    const execute = dataApiScript(api as unknown as RDSDataClient, target);
    const report = await applySchema(execute, query);
    const migrations = await loadMigrations();
    expect(report.applied).toEqual(migrations.map((m) => m.version));
    expect(execute.transactionId()).toBeUndefined();
    const inTransaction = api.calls.filter((call) => call.command === 'ExecuteStatementCommand' && call.transactionId);
    expect(inTransaction.length).toBeGreaterThan(migrations.length);
    const versions = await db.query<{ version: number }>('select version from bi_agent.schema_migrations order by 1');
    expect(versions.rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it.each([['bi_query'], ['bi_query_clone']])(
    'creates the read-only login %s, read-only by default, able to switch to the three database roles and reading nothing itself',
    async (login) => {
      const role = await db.query<{ rolcanlogin: boolean; switches: boolean; inherits: boolean; config: string[] | null }>(
        `select rolcanlogin,
                pg_has_role($1, 'bi_viewer', 'SET') and pg_has_role($1, 'bi_analyst', 'SET') and pg_has_role($1, 'bi_admin', 'SET') as switches,
                pg_has_role($1, 'bi_viewer', 'USAGE') or pg_has_role($1, 'bi_analyst', 'USAGE') or pg_has_role($1, 'bi_admin', 'USAGE') as inherits,
                rolconfig as config
           from pg_roles where rolname = $1`,
        [login],
      );
      expect(role.rows[0]).toEqual({ rolcanlogin: true, switches: true, inherits: false, config: ['default_transaction_read_only=on'] });
      const setConfig = await db.query<{ allowed: boolean }>(
        `select has_function_privilege($1, 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') as allowed`,
        [login],
      );
      expect(setConfig.rows[0]!.allowed).toBe(true);
    },
  );

  it("gives the login its secret names the secret's password, as a SCRAM verifier, and the other login none", async () => {
    const { rows } = await db.query<{ rolname: string; rolpassword: string | null }>(
      `select rolname, rolpassword from pg_authid where rolname in ('bi_query', 'bi_query_clone') order by rolname`,
    );
    const stored = rows[0]!.rolpassword!;
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
    expect(scramSha256Verifier(query.credentials.password, { iterations: Number(iterations), salt: Buffer.from(salt!, 'base64') })).toBe(stored);
    expect(rows[1]).toEqual({ rolname: 'bi_query_clone', rolpassword: null });
    const statements = api.calls.map((call) => call.sql ?? '').join('\n');
    expect(statements).not.toContain(query.credentials.password);
  });

  it('does nothing but check on a second run', async () => {
    const before = api.calls.length;
    const report = await applySchema(dataApiScript(api as unknown as RDSDataClient, target), query);
    expect(report.applied).toEqual([]);
    expect(api.calls.length - before).toBeLessThan(20);
  });

  it('refuses, as the service does, a statement whose result the Data API cannot return', async () => {
    const execute = dataApiScript(api as unknown as RDSDataClient, target);
    await expect(execute('SELECT pg_advisory_xact_lock(1)')).rejects.toMatchObject({ name: 'UnsupportedResultException' });
    await expect(execute('SELECT true AS locked FROM pg_advisory_xact_lock(1)')).resolves.toEqual([{ locked: true }]);
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

describe('Template: the migrations custom resource', () => {
  it("hands the function the query secret's ARN and lets it read that secret, and re-runs it when the secret is replaced", () => {
    const { stacks, template } = synthesize('prod');
    const { main } = stacks;
    const querySecret = main.resolve(main.warehouse.querySecret.secretArn);
    const [fn] = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (resource) => resource.Properties!.Environment?.Variables?.BI_AGENT_OWNER_SECRET_ARN,
    );
    expect(fn!.Properties!.Environment.Variables.BI_AGENT_QUERY_SECRET_ARN).toEqual(querySecret);
    const [resource] = Object.values(resourcesOf(template, 'Custom::BiAgentMigrations'));
    expect(resource!.Properties!.QuerySecretArn).toEqual(querySecret);
    const reads = statementsOfRole(template, roleIdOf(main, main.migrations.function)).filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(querySecret),
    );
    expect(reads.flatMap((statement) => statement.Action)).toEqual(['secretsmanager:GetSecretValue']);
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
