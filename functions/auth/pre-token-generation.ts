/**
 * Cognito pre-token-generation trigger (V2): copies the user's `custom:regions` attribute into the
 * access token.
 *
 * The API's authorizer requires a resource-server scope, so it accepts access tokens only, and
 * Cognito puts custom attributes in ID tokens only. Without this trigger a region-scoped user's
 * access token would carry no `custom:regions`, which `principalFromClaims` reads as "every region".
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The attribute that scopes a user to regions (comma-separated region names). */
export const REGIONS_ATTRIBUTE = 'custom:regions';

/** Adds `custom:regions` to the access token when the user has it; changes nothing else. */
export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> {
  const regions = event.request.userAttributes[REGIONS_ATTRIBUTE]?.trim();
  if (regions) {
    event.response = {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { [REGIONS_ATTRIBUTE]: regions } },
      },
    };
  }
  return event;
}
