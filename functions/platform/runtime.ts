/**
 * Which runtime hosts the handlers. Only the local server marks itself: a Lambda never calls
 * `markLocalRuntime`, so the anonymous fallback of `principal-from-event.ts` can never apply there,
 * whatever its environment variables say.
 */
let local = false;

/** Called by the local server when it starts. @internal */
export function markLocalRuntime(): void {
  local = true;
}

/** True when the handlers run behind the local server (`bi-agent serve`, tests), not on Lambda. */
export function isLocalRuntime(): boolean {
  return local;
}
