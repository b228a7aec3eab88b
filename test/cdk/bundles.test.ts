/**
 * The function packages as `cdk synth` builds them (real esbuild bundling, once for the file):
 * within the size budget, with the files `packageRoot()` looks for, and loadable by Node.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, measureBundles, type BundleSize } from '../../lib/bundle-report.ts';

let bundles: BundleSize[];
beforeAll(() => {
  bundles = measureBundles('dev');
}, 120_000);

const bundle = (name: string) => bundles.find((b) => b.name === name)!;

describe('Function bundles', () => {
  it('builds one ESM bundle with a source map per function', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual([
      'Auth/PreTokenGeneration',
      'Functions/Ask',
      'Functions/Health',
      'Functions/OpenApi',
      'Functions/Ready',
      'Migrations/Function',
    ]);
    for (const { directory } of bundles) {
      expect(existsSync(join(directory, 'index.mjs.map'))).toBe(true);
      expect(existsSync(join(directory, 'package.json'))).toBe(true);
    }
  });

  it('keeps every bundle under 1.5 MB minified', () => {
    for (const { name, bundleBytes } of bundles) expect(bundleBytes, name).toBeLessThan(BUNDLE_BUDGET_BYTES);
  });

  it('ships the sample knowledge beside the question path and the migrations beside the migration function', () => {
    const knowledge = join(bundle('Functions/Ask').directory, 'functions/warehouse/knowledge');
    expect(readdirSync(knowledge).filter((file) => file.endsWith('.md')).length).toBeGreaterThan(5);
    expect(existsSync(join(bundle('Functions/Ready').directory, 'functions/warehouse/knowledge'))).toBe(true);
    const migrations = join(bundle('Migrations/Function').directory, 'functions/warehouse/migrations');
    expect(readdirSync(migrations).filter((file) => file.endsWith('.sql')).length).toBeGreaterThan(0);
  });

  it('leaves the PostgreSQL parser and PGlite out of the bundles (layer and stub)', async () => {
    const { readFileSync } = await import('node:fs');
    const ask = readFileSync(join(bundle('Functions/Ask').directory, 'index.mjs'), 'utf8');
    expect(ask).toMatch(/from\s*"libpg-query"/);
    expect(ask).toContain('not part of the Lambda bundle');
    expect(ask).not.toContain('pglite.wasm');
  });

  it('loads every bundle, and the liveness handler answers', async () => {
    for (const { name, directory } of bundles) {
      const module = (await import(pathToFileURL(join(directory, 'index.mjs')).href)) as Record<string, unknown>;
      expect(Object.keys(module).length, name).toBeGreaterThan(0);
    }
    const health = (await import(pathToFileURL(join(bundle('Functions/Health').directory, 'index.mjs')).href)) as {
      healthHandler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
    };
    const response = await health.healthHandler(
      { httpMethod: 'GET', path: '/health', headers: {}, requestContext: { requestId: 'test' } },
      { awsRequestId: 'test', functionName: 'health', getRemainingTimeInMillis: () => 5_000 },
    );
    expect(response.statusCode).toBe(200);
  });
});
