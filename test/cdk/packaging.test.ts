/**
 * The Lambda packages as they ship, run as the Lambda Node.js runtime runs them.
 *
 * The app is synthesized once, every stage as `cdk synth -c stage=…` builds it (real esbuild
 * bundling, offline; support/cloud-assembly.ts). Each stage's functions are read back from the
 * cloud assembly — handler, runtime, environment, layers, asset — and laid out as the runtime lays
 * them out (support/lambda-layout.ts): the asset as the task root, the layers extracted under an
 * `/opt`, and besides only the AWS SDK v3 that the runtime provides.
 * Each handler is then loaded in a child Node process whose every import is confined to those
 * folders (support/lambda-runtime/), and invoked with API Gateway events. A unit test of a handler
 * cannot see any of this: vitest resolves every package from the repository's node_modules.
 *
 * What this does not prove: real IAM (no signature, policy or secret is checked: the credentials
 * are dummies, and the Data API stand-in logs in as a superuser and only switches roles as the
 * adapter asks); the real RDS Data API (test/adapters/warehouse/fake-rds-data-endpoint.ts says what
 * its stand-in imitates, and its limits); the real runtime image — its Node.js version (this runs
 * the machine's Node), its exact module loader, its bundled AWS SDK version (this uses the
 * repository's pinned copies), arm64, a read-only /var/task, memory and time limits other than the
 * function's timeout; nor API Gateway itself (the events are built here), X-Ray or CloudWatch.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, folderBytes } from '../../lib/bundle-report.ts';
import { runtimeClosure } from '../../lib/bundling/package-closure.ts';
import { STAGES, type Stage } from '../../lib/config.ts';
import { startFakeRdsDataEndpoint, type FakeRdsDataEndpoint } from '../adapters/warehouse/fake-rds-data-endpoint.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { apiGatewayEvent } from './support/api-gateway-event.ts';
import { synthesizeShipped, type ShippedAssembly } from './support/cloud-assembly.ts';
import { layOutFunction, stageRuntimeSdk } from './support/lambda-layout.ts';
import { startFunction, type StartedFunction } from './support/lambda-process.ts';

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

const available = await postgresAvailable();

let assemblies: Map<Stage, ShippedAssembly>;
let root: string;
let database: TestDatabase | undefined;
beforeAll(async () => {
  assemblies = synthesizeShipped(STAGES);
  root = mkdtempSync(join(tmpdir(), 'bi-agent-lambda-'));
  stageRuntimeSdk(root);
  // The warehouse the stacks point the functions at, on the machine's PostgreSQL.
  if (available) database = await createTestDatabase();
}, 180_000);
afterAll(async () => {
  await database?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
  // The cloud assembly: every stage's folder sits in the one the app was synthesized into.
  const outdir = assemblies ? dirname(assemblies.get(STAGES[0])!.directory) : undefined;
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe.each(STAGES)('Stage %s', (stage) => {
  let assembly: ShippedAssembly;
  beforeAll(() => {
    assembly = assemblies.get(stage)!;
  });

  describe('What each function ships', () => {
    it('builds one ESM bundle with a source map and a package.json per function', () => {
      expect(assembly.functions.map((fn) => fn.name).sort()).toEqual([
        'Auth/PreTokenGeneration',
        'Functions/Ask',
        'Functions/Health',
        'Functions/OpenApi',
        'Functions/Ready',
        'Migrations/Function',
      ]);
      for (const fn of assembly.functions) {
        for (const file of ['index.mjs', 'index.mjs.map', 'package.json']) {
          expect(existsSync(join(fn.codeDirectory, file)), `${fn.name}: ${file}`).toBe(true);
        }
        expect(fn.runtime, fn.name).toBe('nodejs24.x');
      }
    });

    it('keeps every bundle under 1.5 MB minified and every package, layers included, far below Lambda’s 250 MB', () => {
      for (const fn of assembly.functions) {
        expect(statSync(join(fn.codeDirectory, 'index.mjs')).size, fn.name).toBeLessThan(BUNDLE_BUDGET_BYTES);
        const unzipped = folderBytes(fn.codeDirectory) + fn.layers.reduce((sum, layer) => sum + folderBytes(layer.directory), 0);
        expect(unzipped, fn.name).toBeLessThan(25 * 1024 * 1024);
      }
    });

    it('ships the sample knowledge beside the question path and the migrations beside the migration function', () => {
      const knowledge = join(assembly.fn('Functions/Ask').codeDirectory, 'functions/warehouse/knowledge');
      expect(readdirSync(knowledge).filter((file) => file.endsWith('.md')).length).toBeGreaterThan(5);
      expect(existsSync(join(assembly.fn('Functions/Ready').codeDirectory, 'functions/warehouse/knowledge'))).toBe(true);
      const migrations = join(assembly.fn('Migrations/Function').codeDirectory, 'functions/warehouse/migrations');
      expect(readdirSync(migrations).filter((file) => file.endsWith('.sql')).length).toBeGreaterThan(0);
    });

    it('gives the parser layer to the functions that load the guard, and to no other', () => {
      const withLayer = assembly.functions.filter((fn) => fn.layers.length > 0).map((fn) => fn.name).sort();
      expect(withLayer).toEqual(['Functions/Ask', 'Functions/Ready']);
      for (const name of withLayer) expect(assembly.fn(name).layers.map((layer) => layer.name)).toEqual(['ParserLayer/Layer']);
    });

    it('leaves the parser to the layer and PGlite to its stub, and bundles the rest of the guard', () => {
      const ask = readFileSync(join(assembly.fn('Functions/Ask').codeDirectory, 'index.mjs'), 'utf8');
      expect(ask).toMatch(/from\s*"libpg-query"/);
      expect(ask).toContain('not part of the Lambda bundle');
      expect(ask).not.toContain('pglite.wasm');
      // The deparser and the keyword list the guard quotes identifiers with are inlined, not imported.
      expect(ask).not.toMatch(/from\s*"(pgsql-deparser|@pgsql\/quotes|@pgsql\/types)"/);
      const health = readFileSync(join(assembly.fn('Functions/Health').codeDirectory, 'index.mjs'), 'utf8');
      expect(health).not.toMatch(/libpg-query|client-rds-data/);
    });

    it('puts in the parser layer every runtime dependency of the packages it carries, each beside its dependent', () => {
      const [layer] = assembly.fn('Functions/Ask').layers;
      const nodeModules = join(layer!.directory, 'nodejs', 'node_modules');
      // The closure found from the layer's own node_modules: it throws on a dependency the layer lacks.
      const carried = runtimeClosure(['libpg-query'], nodeModules);
      expect(carried.map((installed) => installed.name).sort()).toEqual(['@pgsql/types', 'libpg-query']);
      expect(existsSync(join(nodeModules, 'libpg-query', 'wasm', 'libpg-query.wasm'))).toBe(true);
      expect(readdirSync(layer!.directory)).toEqual(['nodejs']);
    });
  });

  describe('The packages, loaded and invoked as the Lambda Node.js runtime does', () => {
    let endpoint: FakeRdsDataEndpoint | undefined;
    const started = new Map<string, StartedFunction>();

    beforeAll(async () => {
      const overrides: Record<string, string> = {};
      if (database) {
        // The warehouse behind the local Data API endpoint; the SDK in the package finds it through
        // AWS_ENDPOINT_URL_RDS_DATA.
        const databaseName = assembly.fn('Functions/Ask').environment.BI_AGENT_DATABASE!;
        endpoint = await startFakeRdsDataEndpoint({ connectionString: database.url, database: databaseName });
        overrides.AWS_ENDPOINT_URL_RDS_DATA = endpoint.url;
      }
      // Every function, so that every one is seen to initialise; the HTTP ones are invoked below.
      await Promise.all(
        assembly.functions.map(async (fn) => {
          const layout = layOutFunction(fn, root, { overrides, folder: `${stage}-${fn.name.replaceAll('/', '-')}` });
          started.set(fn.name, await startFunction(layout));
        }),
      );
    }, 120_000);

    afterAll(async () => {
      await Promise.all([...started.values()].map((fn) => fn.stop()));
      await endpoint?.close();
    });

    /** The started function, after asserting that its handler module loaded (its init error otherwise). */
    function running(name: string): StartedFunction {
      const fn = started.get(name)!;
      expect(fn.initError, `${name} failed at init:\n${fn.initError?.stack}\n${fn.output()}`).toBeUndefined();
      return fn;
    }

    async function invoke(name: string, event: unknown): Promise<ProxyResult & { json: any }> {
      const result = await running(name).invoke<ProxyResult>(event);
      const type = result.headers?.['content-type'] ?? '';
      return { ...result, json: /json/.test(type) ? JSON.parse(result.body) : undefined };
    }

    it('initialises every function: its handler module and everything it imports load', () => {
      for (const [name, fn] of started) {
        expect(fn.initError, `${name} failed at init:\n${fn.initError?.stack}\n${fn.output()}`).toBeUndefined();
      }
      expect([...started.keys()].sort()).toEqual(assembly.functions.map((fn) => fn.name).sort());
    });

    it('Health: starts with no layer and no warehouse, and answers 200', async () => {
      const response = await invoke('Functions/Health', apiGatewayEvent({ method: 'GET', path: '/health' }));
      expect(response.statusCode).toBe(200);
      expect(response.json).toMatchObject({ status: 'ok', service: assembly.fn('Functions/Health').environment.POWERTOOLS_SERVICE_NAME });
    });

    it('OpenApi: serves the OpenAPI document', async () => {
      const response = await invoke('Functions/OpenApi', apiGatewayEvent({ method: 'GET', path: '/openapi.json' }));
      expect(response.statusCode).toBe(200);
      expect(response.json.openapi).toMatch(/^3\.1\./);
      expect(Object.keys(response.json.paths)).toContain('/v1/ask');
    });

    describe.skipIf(!available)('on the machine’s PostgreSQL, through the local Data API endpoint', () => {
      it('Ask: answers a question end to end, with the figures the warehouse holds', async () => {
        endpoint!.calls.length = 0;
        const response = await invoke(
          'Functions/Ask',
          apiGatewayEvent({
            method: 'POST',
            path: '/v1/ask',
            json: { question: 'total sales by region in 2024' },
            claims: { sub: 'analyst-1', 'cognito:groups': 'analyst' },
          }),
        );
        expect(response.statusCode, response.body).toBe(200);
        const answer = response.json as { rows: [string, number][] };
        const client = await database!.connect();
        const expected = await client.query<{ region_name: string; revenue: string }>(
          `SELECT r.region_name, sum(t.sales) AS revenue FROM sales.sales_transactions t JOIN sales.regions r USING (region_id)
            WHERE t.sale_date >= '2024-01-01' AND t.sale_date < '2025-01-01' GROUP BY r.region_name`,
        );
        expect(expected.rows.length).toBeGreaterThan(1);
        expect(Object.fromEntries(answer.rows.map(([region, revenue]) => [region, Number(revenue)]))).toEqual(
          Object.fromEntries(expected.rows.map((row) => [row.region_name, Number(row.revenue)])),
        );
        // It went through the Data API, to the cluster and secret the stack names, and never committed.
        const environment = assembly.fn('Functions/Ask').environment;
        const operations = endpoint!.calls.map((call) => call.operation);
        expect(operations).toContain('Execute');
        expect(operations).not.toContain('CommitTransaction');
        for (const call of endpoint!.calls) {
          expect(call.body).toMatchObject({ resourceArn: environment.BI_AGENT_CLUSTER_ARN, secretArn: environment.BI_AGENT_SECRET_ARN });
        }
        expect(endpoint!.openTransactions()).toBe(0);
      });

      it('Ask: keeps a region-scoped principal to its regions on the warm function', async () => {
        const response = await invoke(
          'Functions/Ask',
          apiGatewayEvent({
            method: 'POST',
            path: '/v1/ask',
            json: { question: 'total sales by region in 2024' },
            claims: { sub: 'viewer-1', 'cognito:groups': 'viewer', 'custom:regions': 'Europe' },
          }),
        );
        expect(response.statusCode, response.body).toBe(200);
        expect((response.json.rows as [string, number][]).map(([region]) => region)).toEqual(['Europe']);
      });

      it('Ready: answers ready when the warehouse answers through the Data API', async () => {
        // The route takes a signed-in caller (the authorizer runs before the function does).
        const event = apiGatewayEvent({ method: 'GET', path: '/ready', claims: { sub: 'operator-1', 'cognito:groups': 'viewer' } });
        const response = await invoke('Functions/Ready', event);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json).toMatchObject({ status: 'ready' });
      });
    });

    it('loads no file from outside the laid-out function (the repository’s node_modules least of all)', async () => {
      const loaded = new Map<string, string[]>();
      for (const [name, fn] of started) {
        if (fn.initError) continue; // reported by the tests above
        const files = await fn.loadedFiles();
        loaded.set(name, files);
        expect(files.filter((file) => !fn.layout.roots.some((folder) => file.startsWith(folder + sep))), name).toEqual([]);
      }
      // The CommonJS side is seen: the parser from the layer, the SDK from the runtime's folder.
      const ask = started.get('Functions/Ask')!.layout;
      expect(loaded.get('Functions/Ask')).toContain(join(ask.opt, 'nodejs', 'node_modules', 'libpg-query', 'wasm', 'index.cjs'));
      expect(loaded.get('Functions/Ask')!.some((file) => file.startsWith(join(ask.searchPaths.at(-1)!, '@aws-sdk', 'client-rds-data') + sep))).toBe(true);
    });
  });
});
