/**
 * The packages the parser layer provides and the function bundles therefore leave out, in one list
 * so that the two cannot drift apart (lib/constructs/parser-layer.ts, bi-agent-function.ts).
 */

/**
 * `libpg-query` loads `libpg-query.wasm` from its own folder at run time, which esbuild cannot
 * inline. Its runtime dependencies (`@pgsql/types`) go into the layer with it, found by
 * `runtimeClosure`; everything else the guard imports (`pgsql-deparser`, `@pgsql/quotes`) is plain
 * JavaScript that esbuild bundles.
 */
export const PARSER_LAYER_PACKAGES = ['libpg-query'] as const;
