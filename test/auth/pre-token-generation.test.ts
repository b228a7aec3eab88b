/**
 * The pre-token-generation trigger copies the user's stored `custom:regions` into the access token,
 * and nothing a caller sends at sign-in (client metadata) reaches the claim.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler, REGIONS_ATTRIBUTE } from '../../functions/auth/pre-token-generation.ts';

/** A V2 trigger event as Cognito sends it, for a user with these stored attributes. */
function eventFor(userAttributes: Record<string, string>, clientMetadata?: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'user',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] }, scopes: ['openid'], ...(clientMetadata ? { clientMetadata } : {}) },
    response: { claimsAndScopeOverrideDetails: null as never },
  };
}

const claimsOf = (event: PreTokenGenerationV2TriggerEvent) => event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride;

describe('Function: pre-token generation', () => {
  it('copies the stored region scope into the access token, trimmed', async () => {
    const result = await handler(eventFor({ sub: 'u', [REGIONS_ATTRIBUTE]: ' Europe,Asia Pacific ' }));

    expect(claimsOf(result)).toEqual({ [REGIONS_ATTRIBUTE]: 'Europe,Asia Pacific' });
  });

  it('adds no claim for a user without a scope (every region, as the contract says)', async () => {
    expect(claimsOf(await handler(eventFor({ sub: 'u' })))).toBeUndefined();
    expect(claimsOf(await handler(eventFor({ sub: 'u', [REGIONS_ATTRIBUTE]: '  ' })))).toBeUndefined();
  });

  it('ignores a scope sent as client metadata: only the stored attribute counts', async () => {
    const scoped = await handler(eventFor({ sub: 'u', [REGIONS_ATTRIBUTE]: 'Europe' }, { [REGIONS_ATTRIBUTE]: '' }));
    const unscoped = await handler(eventFor({ sub: 'u' }, { [REGIONS_ATTRIBUTE]: 'Europe' }));

    expect(claimsOf(scoped)).toEqual({ [REGIONS_ATTRIBUTE]: 'Europe' });
    expect(claimsOf(unscoped)).toBeUndefined();
  });
});
