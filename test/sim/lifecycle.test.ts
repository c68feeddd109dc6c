import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, ManualClock, post, startReceiver, waitFor } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const statusInList = async (s: Simulator, videoId: string) =>
  ((await get(s, 'videos')).body.data as any[]).find((v) => v.video_id === videoId)?.video_status;

describe('job lifecycle', () => {
  test('5 QUEUED → 10 GENERATING → 1 COMPLETED on the catalog timing; GET videos/{id} is 404 until final', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock });
    // 540p 5 s normal: queue 5 s, then 8 s per output second → 45 s in all.
    const { body } = await post(sim, 'videos/create', { prompt: 'a lighthouse', quality: '540p', aspect_ratio: '9:16', seed: 44021 });
    const id = body.video_id as string;
    expect(await statusInList(sim, id)).toBe(5);
    expect((await get(sim, `videos/${id}`)).status).toBe(404);

    await clock.advance(4_999);
    expect(await statusInList(sim, id)).toBe(5);
    await clock.advance(1);
    expect(await statusInList(sim, id)).toBe(10);
    expect((await get(sim, `videos/${id}`)).status).toBe(404);

    await clock.advance(39_999);
    expect(await statusInList(sim, id)).toBe(10);
    await clock.advance(1);
    const done = await get(sim, `videos/${id}`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      video_id: id, video_status: 1, video_status_name: 'COMPLETED', video_status_final: true,
      output_width: 540, output_height: 960, duration: 5, video_duration: 5, quality: '540p', aspect_ratio: '9:16',
      prompt: 'a lighthouse', seed: 44021, upscaled: 0, original_video_id: 0,
    });
    expect(done.body.url).toMatch(new RegExp(`^${sim.origin}/media/\\d{15}\\.mp4$`));
    expect(done.body.first_frame).toMatch(/\.jpg$/);
  });

  test('the time scale shortens every phase', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock, timeScale: 0.1 });
    const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p' });
    await clock.advance(4_499);
    expect((await get(sim, `videos/${body.video_id}`)).status).toBe(404);
    await clock.advance(1);
    expect((await get(sim, `videos/${body.video_id}`)).status).toBe(200);
  });

  test('off-peak jobs wait off_peak_wait_s (scaled) in QUEUED first', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock, offPeakWaitSeconds: 600 });
    const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p', off_peak_mode: true });
    await clock.advance(600_000 + 4_999);
    expect(await statusInList(sim, body.video_id)).toBe(5);
    await clock.advance(1);
    expect(await statusInList(sim, body.video_id)).toBe(10);
    await clock.advance(40_000);
    expect(await statusInList(sim, body.video_id)).toBe(1);
    expect(sim.stats().jobs[0]).toMatchObject({ offPeak: true, credits: 21, status: 1 });
  });

  test('GET videos lists newest first with limit (default 40) and offset', async () => {
    sim = await startSimulator({ clock: new ManualClock(), maxJobs: 8, accounts: [{ email: 'a@example.com', maxJobs: 8, credits: 1e6 }] });
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      ids.push((await post(sim, 'videos/create', { prompt: `p${i}` })).body.video_id);
      sim.completeJobs();
    }
    const all = await get(sim, 'videos');
    expect(all.body.data).toHaveLength(40);
    expect(all.body.data[0].video_id).toBe(ids[44]);
    const page = await get(sim, 'videos?limit=3&offset=2');
    expect(page.body.data.map((v: any) => v.video_id)).toEqual([ids[42], ids[41], ids[40]]);
    expect((await get(sim, 'videos?limit=abc')).status).toBe(400);
  });

  test('DELETE videos/{id} → 204 and the video is gone; unknown → 404', async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p' });
    sim.completeJobs();
    expect((await call(sim, 'DELETE', `videos/${body.video_id}`)).status).toBe(204);
    expect((await get(sim, `videos/${body.video_id}`)).status).toBe(404);
    expect((await get(sim, 'videos')).body.data).toEqual([]);
    expect((await call(sim, 'DELETE', `videos/${body.video_id}`)).status).toBe(404);
  });

  test('completeJobs can force an outcome', async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p' });
    expect(sim.completeJobs({ videoId: body.video_id, outcome: 'failed' })).toBe(1);
    expect((await get(sim, `videos/${body.video_id}`)).body.video_status_name).toBe('FAILED');
    expect(sim.completeJobs()).toBe(0);
  });

  test('control route POST /__sim/complete ends jobs over HTTP', async () => {
    sim = await startSimulator({ clock: new ManualClock() });
    const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p' });
    const res = await fetch(`${sim.origin}/__sim/complete`, { method: 'POST', body: JSON.stringify({ video_id: body.video_id }) });
    expect(await res.json()).toEqual({ completed: 1 });
    expect((await get(sim, `videos/${body.video_id}`)).status).toBe(200);
  });
});

describe('callbacks', () => {
  test('replyUrl receives the video object plus replyRef on every status change, in order', async () => {
    const receiver = await startReceiver();
    const clock = new ManualClock();
    try {
      sim = await startSimulator({ clock });
      const { body } = await post(sim, 'videos/create', { prompt: 'p', quality: '540p', replyUrl: receiver.url, replyRef: 'shot-0042' });
      await clock.advance(60_000);
      await waitFor(() => (receiver.received.length >= 3 ? true : undefined));
      expect(receiver.received.map((c) => c.video_status)).toEqual([5, 10, 1]);
      const last = receiver.received[2];
      expect(last).toMatchObject({ video_id: body.video_id, video_status_final: true, video_status_name: 'COMPLETED', replyRef: 'shot-0042' });
      expect(last.url).toMatch(/\.mp4$/);
      // The receiver answers before the simulator counts the delivery: wait for the count too.
      await waitFor(() => (sim!.stats().callbacks.sent >= 3 ? true : undefined));
      expect(sim.stats().callbacks).toEqual({ sent: 3, failed: 0 });
    } finally {
      await receiver.close();
    }
  });

  test('a job dropped from the scheduler sends no more callbacks; an unreachable replyUrl is ignored', async () => {
    const receiver = await startReceiver();
    const clock = new ManualClock();
    try {
      sim = await startSimulator({ clock });
      const dropped = (await post(sim, 'videos/create', { prompt: 'p', quality: '540p', replyUrl: receiver.url })).body.video_id;
      await waitFor(() => (receiver.received.length >= 1 ? true : undefined));
      await call(sim, 'DELETE', `scheduler/${dropped}`);
      const unreachable = (await post(sim, 'videos/create', { prompt: 'p', quality: '540p', replyUrl: 'http://127.0.0.1:9/nothing' })).body.video_id;
      await clock.advance(60_000);
      await waitFor(() => (sim!.stats().callbacks.failed >= 3 ? true : undefined));
      expect(receiver.received).toHaveLength(1);
      expect((await get(sim, `videos/${unreachable}`)).body.video_status).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});
