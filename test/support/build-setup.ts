/**
 * Builds the `bi-agent` bundle once per test run, so command-line tests run exactly what
 * `npx bi-agent` runs (the esbuild bundle in dist/ and its PGlite worker), not the sources.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
