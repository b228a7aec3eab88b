/**
 * API Gateway REST (v1 proxy integration) events as the deployed API hands them to a function,
 * including the Cognito authorizer's claims where the route is authenticated.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { callerIdentity } from '../../../functions/local/lambda-event.ts';
import { STAND_IN } from './intrinsics.ts';

export interface EventOptions {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** A JSON body (serialized here, with `content-type: application/json`). */
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
  /** The verified ID token's claims, as the Cognito authorizer puts them in `requestContext.authorizer.claims`. */
  readonly claims?: Record<string, string>;
}

/** A proxy event for one request on stage `live`. */
export function apiGatewayEvent(options: EventOptions): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: `api0000000.execute-api.${STAND_IN.region}.${STAND_IN.urlSuffix}`,
    'user-agent': 'packaging-test',
    ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  return {
    resource: options.path,
    path: options.path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: options.json === undefined ? null : JSON.stringify(options.json),
    isBase64Encoded: false,
    requestContext: {
      accountId: STAND_IN.account,
      apiId: 'api0000000',
      authorizer: options.claims ? { claims: options.claims } : undefined,
      protocol: 'HTTP/1.1',
      httpMethod: options.method,
      path: `/live${options.path}`,
      stage: 'live',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: options.path,
      identity: callerIdentity('203.0.113.7', 'packaging-test'),
    },
  };
}
