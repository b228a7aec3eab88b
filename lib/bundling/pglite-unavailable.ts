/**
 * Stands in for `@electric-sql/pglite` in Lambda bundles (esbuild `--alias`).
 *
 * The composition root imports the embedded warehouse statically, but a deployed function always
 * runs against Aurora through the Data API (its stack sets `BI_AGENT_CLUSTER_ARN`), so PGlite's
 * ≈ 520 KB of JavaScript (and its WebAssembly, which esbuild cannot bundle) would only slow the
 * cold start. If configuration ever selects the embedded warehouse on Lambda, this fails loudly.
 */
export class PGlite {
  constructor() {
    throw new Error(
      'The embedded PGlite warehouse is not part of the Lambda bundle: set BI_AGENT_CLUSTER_ARN and BI_AGENT_SECRET_ARN (the stack does).',
    );
  }

  static create(): never {
    return new PGlite() as never;
  }
}
