import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CannotAnswerError } from '../../functions/core/errors.ts';
import { startLocalServer, type LocalServer } from '../../functions/local/server.ts';
import { corsHeaders, corsOriginsFromEnv } from '../../functions/platform/cors.ts';
import { createHttpHandler } from '../../functions/platform/http-handler.ts';
import { jsonResponse } from '../../functions/platform/response.ts';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';

const FRONT_END = 'https://bi.example.com';
const OTHER = 'https://evil.example.net';

describe('CORS on the functions\' responses', () => {
  let server: LocalServer;
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    const corsOrigins = [FRONT_END, 'http://localhost:5173'];
    server = await startLocalServer({
      port: 0,
      handleSignals: false,
      routes: [
        { method: 'GET', path: '/ok', handler: createHttpHandler({ route: 'ok', corsOrigins }, async () => jsonResponse(200, { ok: true })) },
        {
          method: 'GET',
          path: '/refused',
          handler: createHttpHandler({ route: 'refused', corsOrigins }, async () => {
            throw new CannotAnswerError('I did not understand the question.');
          }),
        },
        {
          method: 'GET',
          path: '/crash',
          handler: createHttpHandler({ route: 'crash', corsOrigins }, async () => {
            throw new Error('boom');
          }),
        },
        { method: 'GET', path: '/none', handler: createHttpHandler({ route: 'none', corsOrigins: [] }, async () => jsonResponse(200, {})) },
      ],
    });
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  it.each(['/ok', '/refused', '/crash'])('names an allowed origin on %s, success or problem, and exposes the correlation id', async (path) => {
    const response = await fetch(`${server.url}${path}`, { headers: { origin: FRONT_END } });

    expect(response.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-correlation-id, retry-after');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('keeps the problem body as it was (the headers are added, nothing else changes)', async () => {
    const response = await fetch(`${server.url}/refused`, { headers: { origin: FRONT_END } });

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'cannot_answer' });
  });

  it('names no other origin, and never "*"', async () => {
    const other = await fetch(`${server.url}/ok`, { headers: { origin: OTHER } });
    const none = await fetch(`${server.url}/ok`);

    for (const response of [other, none]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('vary')).toBe('Origin');
    }
  });

  it('adds nothing where no origin is configured (the local server by default)', async () => {
    const response = await fetch(`${server.url}/none`, { headers: { origin: FRONT_END } });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBeNull();
  });
});

describe('CORS configuration', () => {
  it('reads the comma-separated origins the stack sets, ignoring blanks', () => {
    expect(corsOriginsFromEnv({ BI_AGENT_CORS_ORIGINS: ' https://a.example.com, ,http://localhost:5173 ' })).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(corsOriginsFromEnv({})).toEqual([]);
  });

  it('matches the Origin header whatever its case, and the origin exactly', () => {
    expect(corsHeaders({ headers: { Origin: FRONT_END } }, [FRONT_END])['access-control-allow-origin']).toBe(FRONT_END);
    expect(corsHeaders({ headers: { origin: `${FRONT_END}.evil.net` } }, [FRONT_END])['access-control-allow-origin']).toBeUndefined();
  });
});
