import { afterEach, describe, expect, test } from 'vitest';
import { parseFaultSpec, startSimulator, type FaultOptions, type Simulator } from '../../src/sim/index.js';
import { get, ManualClock, pollVideo, post, tempDir } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Status of each request, or 'reset' when the connection was destroyed. */
async function outcomes(s: Simulator, n: number): Promise<(number | string)[]> {
  const seen: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const r = i % 3 === 0 ? await post(s, 'videos/create', { prompt: `p${i}` }) : await get(s, 'scheduler/available');
      seen.push(r.status);
    } catch {
      seen.push('reset');
    }
  }
  return seen;
}

describe('faults', () => {
  const faults: FaultOptions = { error500: 0.25, resetBefore: 0.1, storm429: 0.3 };
  const run = async (seed: number) => {
    // A manual clock: no job ends on its own, so capacity 429s depend on the seed only.
    const s = await startSimulator({ seed, faults, maxJobs: 8, credits: 1e6, clock: new ManualClock() });
    try {
      return { seen: await outcomes(s, 40), stats: s.stats() };
    } finally {
      await s.close();
    }
  };

  test('are deterministic for a given seed, and differ with another seed', async () => {
    const a = await run(42);
    const b = await run(42);
    expect(b.seen).toEqual(a.seen);
    expect(a.seen).toContain(500);
    expect(a.seen).toContain('reset');
    expect(a.seen).toContain(429);
    expect(a.seen).toContain(200);
    expect(b.stats.faults).toEqual(a.stats.faults);
    const numericIds = (r: typeof a) => r.stats.jobs.map((j) => j.video_id.split('-video:')[1]);
    expect(numericIds(b)).toEqual(numericIds(a));
    expect((await run(43)).seen).not.toEqual(a.seen);
  });

  test('a reset before processing creates nothing', async () => {
    sim = await startSimulator({ faults: { resetBefore: 1 }, timeScale: 0 });
    await expect(post(sim, 'videos/create', { prompt: 'p' })).rejects.toThrow();
    const stats = sim.stats();
    expect(stats.jobs).toHaveLength(0);
    expect(stats.creditsSpent).toBe(0);
    expect(stats.faults.resetBefore).toBe(1);
  });

  test('a reset after the job was accepted leaves a job the client never heard of', async () => {
    sim = await startSimulator({ faults: { resetAfter: 1 }, clock: new ManualClock() });
    await expect(post(sim, 'videos/create', { prompt: 'p', replyRef: 'shot-7' })).rejects.toThrow();
    sim.setFaults({});
    const stats = sim.stats();
    expect(stats.jobs).toHaveLength(1);
    expect(stats.creditsSpent).toBe(35); // v6 720p 5 s
    expect(stats.faults.resetAfter).toBe(1);
    // What a careful client does: look for the job in the scheduler before resubmitting.
    const scheduler = await get(sim, 'scheduler');
    expect(scheduler.body).toEqual([expect.objectContaining({ id: stats.jobs[0]!.video_id, replyRef: 'shot-7' })]);
  });

  test('truncated media announces the full length but is cut', async () => {
    const dir = await tempDir();
    try {
      sim = await startSimulator({ timeScale: 0.0005, mediaDir: dir.path });
      const created = await post(sim, 'videos/create', { prompt: 'p', quality: '360p' });
      const { url } = await pollVideo(sim, created.body.video_id);
      const full = (await (await fetch(url)).arrayBuffer()).byteLength;
      sim.setFaults({ truncateMedia: 1 });
      const res = await fetch(url);
      expect(Number(res.headers.get('content-length'))).toBe(full);
      await expect(res.arrayBuffer()).rejects.toThrow();
      expect(sim.stats().faults.truncated).toBe(1);
    } finally {
      await sim?.close();
      sim = undefined;
      await dir.cleanup();
    }
  });

  test('latency is added and counted', async () => {
    sim = await startSimulator({ faults: { latencyMs: { min: 20, max: 40 } }, timeScale: 0 });
    expect((await get(sim, 'accounts')).status).toBe(200);
    expect(sim.stats().faults.latency).toBe(1);
  });

  test('a 429 storm hits generation POSTs only', async () => {
    sim = await startSimulator({ faults: { storm429: 1 }, timeScale: 0 });
    const r = await post(sim, 'videos/create', { prompt: 'p' });
    expect(r.status).toBe(429);
    expect(r.body.code).toBe(429);
    expect((await get(sim, 'scheduler')).status).toBe(200);
    expect(sim.stats()).toMatchObject({ sent429: 1, creditsSpent: 0, faults: { storm429: 1 } });
  });

  test('storm windows follow the simulator clock', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock, maxJobs: 8, faults: { stormWindows: [{ fromMs: 1_000, toMs: 2_000 }] } });
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(200);
    await clock.advance(1_000);
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(429);
    await clock.advance(1_000);
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(200);
    sim.startStorm(500);
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(429);
    await clock.advance(500);
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(200);
  });

  test('500s can hit media downloads too', async () => {
    sim = await startSimulator({ faults: { error500: 1 }, timeScale: 0 });
    expect((await fetch(`${sim.origin}/media/gen/320x180.jpg`)).status).toBe(500);
  });
});

describe('forced errors', () => {
  test('forceErrorOnNextRequest answers one request with the status, then behaves', async () => {
    sim = await startSimulator({ timeScale: 0 });
    sim.forceErrorOnNextRequest('videos/create', 503);
    const first = await post(sim, 'videos/create', { prompt: 'p' });
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ error: 'Simulated error 503', code: 503 });
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(200);
    expect(sim.stats().faults.forced).toBe(1);
  });

  test('ECONNRESET destroys the connection; ECONNRESET_AFTER does so after accepting the job', async () => {
    sim = await startSimulator({ timeScale: 0 });
    sim.forceErrorOnNextRequest('POST videos/create', 'ECONNRESET');
    await expect(post(sim, 'videos/create', { prompt: 'p' })).rejects.toThrow();
    expect(sim.stats().jobs).toHaveLength(0);
    sim.forceErrorOnNextRequest('videos/create', 'ECONNRESET_AFTER');
    await expect(post(sim, 'videos/create', { prompt: 'p' })).rejects.toThrow();
    expect(sim.stats().jobs).toHaveLength(1);
  });

  test('TRUNCATE sends one media download short, then the whole file; over HTTP too', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const url = `${sim.origin}/media/gen/320x180.jpg`;
    const whole = (await (await fetch(url)).arrayBuffer()).byteLength;
    sim.forceErrorOnNextRequest('media', 'TRUNCATE');
    const short = await fetch(url).then((r) => r.arrayBuffer()).then((b) => b.byteLength, () => -1);
    expect(short).toBeLessThan(whole);
    expect(sim.stats().faults.truncated).toBe(1);
    expect((await (await fetch(url)).arrayBuffer()).byteLength).toBe(whole);
    const force = await fetch(`${sim.origin}/__sim/force`, { method: 'POST', body: JSON.stringify({ endpoint: 'media', error: 'TRUNCATE' }) });
    expect(force.status).toBe(200);
    const again = await fetch(url).then((r) => r.arrayBuffer()).then((b) => b.byteLength, () => -1);
    expect(again).toBeLessThan(whole);
  });

  test('forced errors are per endpoint and queue up', async () => {
    sim = await startSimulator({ timeScale: 0 });
    sim.forceErrorOnNextRequest('videos/{video_id}', 500);
    sim.forceErrorOnNextRequest('videos/{video_id}', 502);
    expect((await get(sim, 'accounts')).status).toBe(200);
    const id = `user:1-pixverse:render01@sim.pixrender.local-video:123456789012345`;
    expect((await get(sim, `videos/${id}`)).status).toBe(500);
    expect((await get(sim, `videos/${id}`)).status).toBe(502);
    expect((await get(sim, `videos/${id}`)).status).toBe(404);
  });

  test('control routes work over HTTP and are never faulted', async () => {
    sim = await startSimulator({ faults: { error500: 1, resetBefore: 1, latencyMs: { min: 1, max: 1 } }, timeScale: 0 });
    const stats = await fetch(`${sim.origin}/__sim/stats`);
    expect(stats.status).toBe(200);
    const set = await fetch(`${sim.origin}/__sim/faults`, { method: 'POST', body: JSON.stringify({ spec: 'storm=1' }) });
    expect(await set.json()).toEqual({ storm429: 1 });
    expect((await post(sim, 'videos/create', { prompt: 'p' })).status).toBe(429);
    await fetch(`${sim.origin}/__sim/faults`, { method: 'POST', body: JSON.stringify({}) });
    const force = await fetch(`${sim.origin}/__sim/force`, { method: 'POST', body: JSON.stringify({ endpoint: 'scheduler', error: 418 }) });
    expect(force.status).toBe(200);
    expect((await get(sim, 'scheduler')).status).toBe(418);
    const badSpec = await fetch(`${sim.origin}/__sim/faults`, { method: 'POST', body: JSON.stringify({ spec: 'boom=1' }) });
    expect(badSpec.status).toBe(400);
    const credits = await fetch(`${sim.origin}/__sim/credits`, { method: 'POST', body: JSON.stringify({ amount: 5 }) });
    expect(((await credits.json()) as any)['render01@sim.pixrender.local'].credits).toBe(15_005);
  });
});

describe('parseFaultSpec', () => {
  test('parses every fault', () => {
    expect(parseFaultSpec('500=0.05,reset=0.02,reset-after=0.03,latency=50-200,truncate=0.1,storm=0.3,storm-window=1000-2000,storm-window=5000-6000')).toEqual({
      error500: 0.05,
      resetBefore: 0.02,
      resetAfter: 0.03,
      latencyMs: { min: 50, max: 200 },
      truncateMedia: 0.1,
      storm429: 0.3,
      stormWindows: [{ fromMs: 1000, toMs: 2000 }, { fromMs: 5000, toMs: 6000 }],
    });
    expect(parseFaultSpec('latency=75')).toEqual({ latencyMs: { min: 75, max: 75 } });
    expect(parseFaultSpec('')).toEqual({});
  });

  test.each([
    ['500', /needs a value/],
    ['500=2', /probability/],
    ['reset=-0.1', /probability/],
    ['latency=fast', /milliseconds/],
    ['latency=200-100', /less than/],
    ['explode=1', /unknown fault "explode"/],
  ])('%s is refused', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});
