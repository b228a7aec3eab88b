/**
 * The origins whose pages may read the API's responses: the origins of the app client's callback
 * URLs (the front end that signs users in is the one that calls the API). One list for the three
 * places that must agree — the CORS preflight, API Gateway's own error responses and the
 * functions' responses (`BI_AGENT_CORS_ORIGINS`, read by functions/platform/cors.ts).
 */
import type { BiAgentConfig } from './config.ts';

/** Distinct origins of `callbackUrls`, in configuration order. */
export function corsOriginsOf(config: Pick<BiAgentConfig, 'callbackUrls'>): string[] {
  return [...new Set(config.callbackUrls.map((url) => new URL(url).origin))];
}
