/** Per-endpoint error rates (`fail[ENDPOINT]=P[:ERROR]`): the reconcile lookups can be made to fail on their own. */
import { afterEach, describe, expect, test } from 'vitest';
import { parseFaultSpec, startSimulator, type FaultOptions, type Simulator } from '../../src/sim/index.js';
import { get, ManualClock, post } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function statusOrReset(request: Promise<{ status: number }>): Promise<number | 'reset'> {
  try {
    return (await request).status;
  } catch {
    return 'reset';
  }
}

describe('per-endpoint errors', () => {
  test('hit only the endpoint named, with its method', async () => {
    sim = await startSimulator({ faults: { endpointErrors: [{ endpoint: 'GET scheduler', probability: 1, error: 503 }] }, clock: new ManualClock() });
    expect((await get(sim, 'scheduler')).status).toBe(503);
    expect((await get(sim, 'scheduler/available')).status).toBe(200);
    expect((await get(sim, 'videos')).status).toBe(200);
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(200);
    expect(sim.stats().faults.forced).toBe(1);
  });

  test('a reset after processing still performs the request', async () => {
    sim = await startSimulator({ faults: { endpointErrors: [{ endpoint: 'videos/create', probability: 1, error: 'ECONNRESET_AFTER' }] }, clock: new ManualClock() });
    expect(await statusOrReset(post(sim, 'videos/create', { prompt: 'p', replyRef: 'r1' }))).toBe('reset');
    expect(sim.stats().jobs).toEqual([expect.objectContaining({ replyRef: 'r1' })]);
  });

  test('fail at about their rate beside other faults, and replay exactly for a seed', async () => {
    const faults: FaultOptions = { error500: 0.2, endpointErrors: [{ endpoint: 'GET videos', probability: 0.5, error: 502 }] };
    const run = async (f: FaultOptions) => {
      const s = await startSimulator({ seed: 11, faults: f, clock: new ManualClock() });
      try {
        const seen: number[] = [];
        for (let i = 0; i < 60; i++) seen.push((await get(s, 'videos')).status);
        return seen;
      } finally {
        await s.close();
      }
    };
    const a = await run(faults);
    expect(await run(faults)).toEqual(a);
    const failed = a.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(a).toContain(500);
    expect(a).toContain(200);
    expect(await run({ ...faults, endpointErrors: [{ endpoint: 'GET videos', probability: 0, error: 502 }] })).not.toContain(502);
  });

  test('a forced one-shot error comes before the rate', async () => {
    sim = await startSimulator({ faults: { endpointErrors: [{ endpoint: 'scheduler', probability: 1, error: 500 }] }, clock: new ManualClock() });
    sim.forceErrorOnNextRequest('scheduler', 418);
    expect((await get(sim, 'scheduler')).status).toBe(418);
    expect((await get(sim, 'scheduler')).status).toBe(500);
  });
});

describe('parseFaultSpec fail[ENDPOINT]', () => {
  test('parses statuses and resets', () => {
    expect(parseFaultSpec('fail[GET scheduler]=0.3,fail[GET videos]=0.2:503,fail[videos/create]=0.1:reset,fail[media]=1:reset-after')).toEqual({
      endpointErrors: [
        { endpoint: 'GET scheduler', probability: 0.3, error: 500 },
        { endpoint: 'GET videos', probability: 0.2, error: 503 },
        { endpoint: 'videos/create', probability: 0.1, error: 'ECONNRESET' },
        { endpoint: 'media', probability: 1, error: 'ECONNRESET_AFTER' },
      ],
    });
  });

  test.each([
    ['fail[GET scheduler]=2', /probability/],
    ['fail[GET scheduler]=', /probability/],
    ['fail[GET scheduler]=0.1:200', /not a status/],
    ['fail[GET scheduler]=0.1:boom', /not a status/],
    ['fail[GET scheduler]=0.1:500:1', /probability/],
    ['fail[]=0.1', /unknown fault/],
  ])('%s is refused', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});
