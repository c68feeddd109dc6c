import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, ManualClock, post } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const createMany = (s: Simulator, n: number, body: Record<string, unknown> = {}) =>
  Promise.all(Array.from({ length: n }, (_, i) => post(s, 'videos/create', { prompt: `shot ${i}`, ...body })));

describe('capacity', () => {
  test('simultaneous creates beyond maxJobs get exactly the surplus as 429, uncharged', async () => {
    sim = await startSimulator({ accounts: 2, maxJobs: 3, clock: new ManualClock() });
    const answers = await createMany(sim, 10);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    for (const a of answers.filter((x) => x.status === 429)) expect(a.body).toMatchObject({ code: 429, error: expect.any(String) });
    const stats = sim.stats();
    expect(stats.sent429).toBe(4);
    expect(stats.submissions['videos/create']).toBe(6);
    expect(stats.creditsSpent).toBe(6 * 35); // v6 720p 5 s
    expect(stats.accounts['render01@sim.pixrender.local']).toMatchObject({ maxJobs: 3, executing: 3, maxConcurrent: 3 });
    expect(stats.accounts['render02@sim.pixrender.local']).toMatchObject({ maxJobs: 3, executing: 3, maxConcurrent: 3 });
  });

  test('a named account at its cap answers 429 while another still has room', async () => {
    sim = await startSimulator({ accounts: 2, maxJobs: 1, clock: new ManualClock() });
    expect((await post(sim, 'videos/create', { prompt: 'a', email: 'render01@sim.pixrender.local' })).status).toBe(200);
    expect((await post(sim, 'videos/create', { prompt: 'b', email: 'render01@sim.pixrender.local' })).status).toBe(429);
    expect((await post(sim, 'videos/create', { prompt: 'c' })).body.video_id).toContain('render02@');
  });

  test('the request maxJobs overrides the account value for that call', async () => {
    sim = await startSimulator({ maxJobs: 2, clock: new ManualClock() });
    expect((await createMany(sim, 2)).every((a) => a.status === 200)).toBe(true);
    expect((await post(sim, 'videos/create', { prompt: 'x' })).status).toBe(429);
    expect((await post(sim, 'videos/create', { prompt: 'x', maxJobs: 3 })).status).toBe(200);
    expect((await post(sim, 'videos/create', { prompt: 'x', maxJobs: 3 })).status).toBe(429);
    expect(sim.stats().accounts['render01@sim.pixrender.local']!.maxConcurrent).toBe(3);
  });

  test('a slot is freed when the job ends, and when it is dropped from the scheduler', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ maxJobs: 2, clock });
    const [a, b] = await createMany(sim, 2);
    expect((await post(sim, 'videos/create', { prompt: 'c' })).status).toBe(429);

    expect((await call(sim, 'DELETE', `scheduler/${a!.body.video_id}`)).status).toBe(204);
    expect((await post(sim, 'videos/create', { prompt: 'c' })).status).toBe(200);
    expect((await post(sim, 'videos/create', { prompt: 'd' })).status).toBe(429);

    await clock.advance(3_600_000);
    expect((await get(sim, `videos/${b!.body.video_id}`)).body.video_status).toBe(1);
    // The dropped job still ends upstream; it is listed and fetchable, just not tracked.
    expect((await get(sim, `videos/${a!.body.video_id}`)).body.video_status).toBe(1);
    expect((await get(sim, 'scheduler/available')).body.available[0]).toMatchObject({ maxJobs: 2, executing: 0, available: 2 });
    expect((await createMany(sim, 2)).every((x) => x.status === 200)).toBe(true);
  });

  test('deleting a running video frees its slot', async () => {
    sim = await startSimulator({ maxJobs: 1, clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'a' });
    expect((await call(sim, 'DELETE', `videos/${body.video_id}`)).status).toBe(204);
    expect((await post(sim, 'videos/create', { prompt: 'b' })).status).toBe(200);
  });

  test('off-peak jobs hold a slot while they wait by default', async () => {
    sim = await startSimulator({ maxJobs: 1, clock: new ManualClock() });
    expect((await post(sim, 'videos/create', { prompt: 'a', off_peak_mode: true })).status).toBe(200);
    expect((await post(sim, 'videos/create', { prompt: 'b' })).status).toBe(429);
  });

  test('with offPeakHoldsSlot false, waiting off-peak jobs take no slot until their wait ends', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ maxJobs: 1, clock, offPeakHoldsSlot: false, offPeakWaitSeconds: 100 });
    const offPeak = await createMany(sim, 3, { off_peak_mode: true });
    expect(offPeak.every((a) => a.status === 200)).toBe(true);
    expect((await get(sim, 'scheduler/available')).body.available[0].executing).toBe(0);
    expect((await get(sim, 'scheduler')).body).toHaveLength(3);
    const now = await post(sim, 'videos/create', { prompt: 'now' });
    expect(now.status).toBe(200);
    await clock.advance(100_000);
    expect((await get(sim, `videos/${now.body.video_id}`)).body.video_status).toBe(1);
    // Once their wait is over the off-peak jobs run and count, even beyond maxJobs (upstream runs them anyway).
    expect(sim.stats().accounts['render01@sim.pixrender.local']!.executing).toBe(3);
  });
});

describe('scheduler', () => {
  test('GET scheduler lists running jobs with {id, type}, started, elapsed, replyUrl, replyRef', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock });
    // 720p 8 s: 5 s queued + 96 s generating, so still running after 72 s.
    const { body } = await post(sim, 'videos/create', { prompt: 'a', quality: '720p', duration: 8, replyUrl: 'http://127.0.0.1:9/hook', replyRef: 'shot-0042' });
    await clock.advance(72_000);
    const r = await get(sim, 'scheduler');
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { id: body.video_id, type: 'video', started: new Date(clock.now() - 72_000).toISOString(), elapsed: '01:12', replyUrl: 'http://127.0.0.1:9/hook', replyRef: 'shot-0042' },
    ]);
  });

  test('GET scheduler/available shows executing jobs and free capacity per account', async () => {
    sim = await startSimulator({ accounts: [{ email: 'a@example.com', maxJobs: 8 }, { email: 'b@example.com', maxJobs: 5 }], clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'a', email: 'a@example.com', replyRef: 'r1' });
    const r = await get(sim, 'scheduler/available');
    expect(r.body.executing).toEqual([{ id: body.video_id, type: 'video', started: expect.any(String), elapsed: '00:00', replyRef: 'r1' }]);
    expect(r.body.available).toEqual([
      { email: 'a@example.com', maxJobs: 8, executing: 1, available: 7 },
      { email: 'b@example.com', maxJobs: 5, executing: 0, available: 5 },
    ]);
  });

  test('DELETE scheduler/{id} → 204, then 404 "Unable to locate running <id>"', async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'a' });
    expect((await call(sim, 'DELETE', `scheduler/${body.video_id}`)).status).toBe(204);
    const again = await call(sim, 'DELETE', `scheduler/${body.video_id}`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe(`Unable to locate running ${body.video_id}`);
    expect((await get(sim, 'scheduler')).body).toEqual([]);
  });
});
