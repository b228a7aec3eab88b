/**
 * What each function ships: synthesizes the app with real bundling (as `cdk synth` does) and
 * measures every function's asset. Used by bench/bundles.ts (test/cdk/packaging.test.ts checks the same budget on the cloud assembly).
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { createStacks } from './app.ts';

/** The size the issue sets for one function's minified bundle. */
export const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

export interface BundleSize {
  /** Construct path of the function, e.g. `Functions/Ask`. */
  readonly name: string;
  /** The asset folder (the unzipped deployment package). */
  readonly directory: string;
  /** `index.mjs`, the minified bundle: what the cold start loads. */
  readonly bundleBytes: number;
  /** Everything in the package (bundle, source map, package.json, data files). */
  readonly packageBytes: number;
}

/** Synthesizes `stage` into a temporary folder with real bundling and measures every function. */
export function measureBundles(stage = 'dev'): BundleSize[] {
  const outdir = mkdtempSync(join(tmpdir(), 'bi-agent-bundles-'));
  const app = new App({ outdir, context: { stage } });
  const { main } = createStacks(app);
  app.synth();
  const sizes: BundleSize[] = [];
  for (const construct of main.node.findAll()) {
    if (!(construct instanceof LambdaFunction)) continue;
    const asset = construct.node.tryFindChild('Code');
    if (!(asset instanceof Asset)) continue;
    const directory = isAbsolute(asset.assetPath) ? asset.assetPath : join(outdir, asset.assetPath);
    sizes.push({
      name: construct.node.path.slice(main.node.path.length + 1),
      directory,
      bundleBytes: statSync(join(directory, 'index.mjs')).size,
      packageBytes: folderBytes(directory),
    });
  }
  return sizes;
}

/** Bytes of every file under a folder. */
export function folderBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}
