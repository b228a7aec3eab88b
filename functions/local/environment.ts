/**
 * Environment defaults for running the handlers on a developer's machine (`bi-agent serve`).
 */

/**
 * Keeps a local terminal readable: no CloudWatch EMF metric blobs (two per request otherwise),
 * unless the developer set `POWERTOOLS_METRICS_DISABLED` (or `POWERTOOLS_DEV`) themselves. Logs stay
 * JSON at INFO; `POWERTOOLS_LOG_LEVEL=WARN` quietens them, `POWERTOOLS_DEV=true` pretty-prints them.
 * Call before the first request (the Powertools utilities are built on first use).
 *
 * @example
 * applyLocalDefaults();
 * const server = await startLocalServer({ port });
 */
export function applyLocalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  if (env.POWERTOOLS_METRICS_DISABLED === undefined && env.POWERTOOLS_DEV === undefined) env.POWERTOOLS_METRICS_DISABLED = 'true';
}
