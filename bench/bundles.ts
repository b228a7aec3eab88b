/**
 * Prints each Lambda function's bundle size (cold start grows with it), from a real `cdk synth`
 * bundling. Part of `npm run bench`; alone: `npx tsx bench/bundles.ts [stage]` (exits 1 when a
 * bundle is over budget).
 */
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, measureBundles } from '../lib/bundle-report.ts';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Bundles every function of `stage`, prints a table, and returns whether all are within budget. */
export function printBundleSizes(stage = 'dev', log: (line: string) => void = console.log): boolean {
  const sizes = measureBundles(stage).sort((a, b) => b.bundleBytes - a.bundleBytes);
  log(`| function | bundle (index.mjs, minified) | whole package | within ${kb(BUNDLE_BUDGET_BYTES)} |`);
  log('|---|---|---|---|');
  for (const size of sizes) {
    log(`| ${size.name} | ${kb(size.bundleBytes)} | ${kb(size.packageBytes)} | ${size.bundleBytes > BUNDLE_BUDGET_BYTES ? 'NO' : 'yes'} |`);
  }
  return sizes.every((size) => size.bundleBytes <= BUNDLE_BUDGET_BYTES);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!printBundleSizes(process.argv[2] ?? 'dev')) process.exitCode = 1;
}
