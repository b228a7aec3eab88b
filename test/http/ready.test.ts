import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WarehouseUnavailableError } from '../../functions/core/errors.ts';
import { startLocalServer, type LocalServer } from '../../functions/local/server.ts';
import { createReadyHandler, READY_CACHE } from '../../functions/ready/handler.ts';
import { FakeWarehouse } from './support/fakes.ts';
import { captureOutput, type CapturedOutput } from './support/output-capture.ts';

describe('Route: GET /ready, cached', () => {
  let server: LocalServer;
  let output: CapturedOutput;
  const warehouse = new FakeWarehouse();
  let clock = 0;

  beforeAll(async () => {
    output = captureOutput();
    server = await startLocalServer({
      port: 0,
      handleSignals: false,
      routes: [
        {
          method: 'GET',
          path: '/ready',
          handler: createReadyHandler({ dependencies: async () => ({ warehouse }), cache: { ...READY_CACHE, now: () => clock } }),
        },
      ],
    });
  });
  beforeEach(async () => {
    // Let any earlier result expire, then start each test from a known state.
    clock += 3_600_000;
    warehouse.failure = undefined;
    warehouse.pings = 0;
  });
  afterAll(async () => {
    await server.close();
    output.restore();
  });

  const ready = () => fetch(`${server.url}/ready`);

  it('pings the warehouse once per 30 s while it is up, however often it is asked', async () => {
    expect(READY_CACHE.readySeconds).toBe(30);

    const responses = [await ready(), await ready()];
    clock += 29_999;
    responses.push(await ready());

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(warehouse.pings).toBe(1);

    clock += 1;
    await ready();
    expect(warehouse.pings).toBe(2);
  });

  it('shares one ping among concurrent requests', async () => {
    const statuses = await Promise.all(Array.from({ length: 5 }, async () => (await ready()).status));

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(warehouse.pings).toBe(1);
  });

  it('reuses "not ready" only briefly, so a recovered warehouse shows within seconds', async () => {
    warehouse.failure = new WarehouseUnavailableError('resuming', 15);

    const first = await ready();
    warehouse.failure = undefined;
    const cached = await ready();
    clock += READY_CACHE.notReadySeconds * 1000;
    const recovered = await ready();

    expect([first.status, cached.status, recovered.status]).toEqual([503, 503, 200]);
    expect(cached.headers.get('retry-after')).toBe('15');
    expect(warehouse.pings).toBe(2);
  });

  it('pings on every request when caching is off (as the route tests use it)', async () => {
    const handler = createReadyHandler({ dependencies: async () => ({ warehouse }), cache: false });
    const uncached = await startLocalServer({ port: 0, handleSignals: false, routes: [{ method: 'GET', path: '/ready', handler }] });
    try {
      await fetch(`${uncached.url}/ready`);
      await fetch(`${uncached.url}/ready`);
    } finally {
      await uncached.close();
    }
    expect(warehouse.pings).toBe(2);
  });
});
