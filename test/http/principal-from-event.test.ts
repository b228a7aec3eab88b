import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../functions/platform/http-errors.ts';
import { principalFromEvent } from '../../functions/platform/principal-from-event.ts';

function eventWith(claims?: Record<string, unknown>): APIGatewayProxyEvent {
  return { requestContext: { authorizer: claims ? { claims } : undefined } } as unknown as APIGatewayProxyEvent;
}

describe('Function: principalFromEvent', () => {
  const local = { defaultRole: 'viewer', allowAnonymous: true } as const;
  const aws = { defaultRole: 'viewer', allowAnonymous: false } as const;

  it('reads a Cognito user: the widest group, and the region scope', () => {
    const principal = principalFromEvent(eventWith({ sub: 'u-1', 'cognito:groups': 'viewer,analyst', 'custom:regions': 'Europe, North America' }), aws);

    expect(principal).toEqual({ subject: 'u-1', role: 'analyst', regions: ['Europe', 'North America'] });
  });

  it('reads groups written as an array or as "[a b]"', () => {
    expect(principalFromEvent(eventWith({ sub: 'u', 'cognito:groups': ['admin'] }), aws).role).toBe('admin');
    expect(principalFromEvent(eventWith({ sub: 'u', 'cognito:groups': '[viewer analyst]' }), aws).role).toBe('analyst');
  });

  it('makes a user in no group a viewer with every region', () => {
    expect(principalFromEvent(eventWith({ sub: 'u-2' }), aws)).toEqual({ subject: 'u-2', role: 'viewer' });
  });

  it('ignores unknown group names rather than granting anything', () => {
    expect(principalFromEvent(eventWith({ sub: 'u', 'cognito:groups': 'superuser' }), aws).role).toBe('viewer');
  });

  it('falls back to the anonymous default role only on the local server', () => {
    expect(principalFromEvent(eventWith(), { defaultRole: 'analyst', allowAnonymous: true })).toEqual({ subject: 'anonymous', role: 'analyst' });
    expect(() => principalFromEvent(eventWith(), aws)).toThrow(UnauthenticatedError);
  });

  it('prefers authorizer claims over the default even locally', () => {
    expect(principalFromEvent(eventWith({ sub: 'u-3', 'cognito:groups': 'admin' }), local).role).toBe('admin');
  });

  it('refuses claims without a subject', () => {
    expect(() => principalFromEvent(eventWith({ 'cognito:groups': 'admin' }), local)).toThrow(UnauthenticatedError);
  });
});
