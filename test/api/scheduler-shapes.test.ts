/**
 * Scheduler items come as `{id, type}` since March 2026 and with `video_id` / `videoId` before: every reader
 * must see a running job as running in both shapes, or a real token makes every job look finished.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import { schedulerItemId, videoOutcome, type VideoObject } from '../../src/api/protocol.js';
import { Poller } from '../../src/execute/poller.js';
import { systemClock } from '../../src/clock.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator | undefined;
let client: PixverseClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  sim = client = undefined;
});

for (const shape of ['2026', '2025'] as const) {
  describe(`scheduler in the ${shape} shape`, () => {
    it('a running job is listed as running by the client and keeps the poller waiting', async () => {
      sim = await startSimulator({ timeScale: 1, seed: 3, ...(shape === '2025' ? { schedulerShape: '2025' as const } : {}) });
      client = new PixverseClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 20_000 });
      const { video_id } = await client.create({ model: 'v4.5', prompt: 'a slow tide', duration: 5, quality: '540p', replyRef: 'r-1' });

      const raw = (await (await fetch(`${sim.url}/scheduler/available`, { headers: { authorization: `Bearer ${sim.token}` } })).json()) as { executing: Record<string, unknown>[] };
      if (shape === '2026') expect(raw.executing[0]).toMatchObject({ id: video_id, type: 'video' });
      else expect(raw.executing[0]).toMatchObject({ video_id });
      if (shape === '2026') expect(raw.executing[0]).not.toHaveProperty('video_id');

      const available = await client.getSchedulerAvailable();
      expect(available.executing.map(schedulerItemId)).toEqual([video_id]);
      expect((await client.getScheduler()).map(schedulerItemId)).toEqual([video_id]);

      const requests: string[] = [];
      const abort = new AbortController();
      const poller = new Poller({ api: client, clock: systemClock, minIntervalMs: 50, maxIntervalMs: 50, signal: abort.signal, onRequest: (w) => requests.push(w) });
      const watched = poller.watch(video_id, 0, 60_000);
      await new Promise((r) => setTimeout(r, 600));
      abort.abort();
      await watched;
      expect(requests.filter((r) => r === 'scheduler/available').length).toBeGreaterThan(1);
      expect(requests).not.toContain('videos/{id}');
    }, 30_000);
  });
}

describe('videoOutcome follows the 2026 reference', () => {
  const base: VideoObject = { video_id: 'user:1-pixverse:a@b.c-video:1', video_status: 10 };
  it('a 200 carrying an error string is a final failure', () => {
    expect(videoOutcome({ ...base, video_status: 10, error: 'Generation failed' })).toBe('failed');
  });
  it('status 5 stays pending even when printed final', () => {
    expect(videoOutcome({ ...base, video_status: 5, video_status_final: true })).toBe('pending');
  });
  it('status 9 is generating; an unknown final code without a result is a failure, otherwise pending', () => {
    expect(videoOutcome({ ...base, video_status: 9 })).toBe('pending');
    expect(videoOutcome({ ...base, video_status: 42 })).toBe('pending');
    expect(videoOutcome({ ...base, video_status: 42, video_status_final: true })).toBe('failed');
    // An unknown code named MODERATED / FAILED is final by its name; one named otherwise waits for the flag.
    expect(videoOutcome({ ...base, video_status: 11, video_status_name: 'MODERATED' })).toBe('moderated');
    expect(videoOutcome({ ...base, video_status: 12, video_status_name: 'FAILED' })).toBe('failed');
    expect(videoOutcome({ ...base, video_status: 12, video_status_name: 'FAILED', video_status_final: false })).toBe('pending');
    expect(videoOutcome({ ...base, video_status: 13, video_status_name: 'UPLOADING' })).toBe('pending');
    // COMPLETED without a URL yet is not done (useapi's own done test: status 1, width > 0 and a url).
    expect(videoOutcome({ ...base, video_status: 1, video_status_final: true, url: '' })).toBe('pending');
  });
  it('a completed video with an empty error string is still completed', () => {
    expect(videoOutcome({ ...base, video_status: 1, url: 'https://x/y.mp4', output_width: 720, error: '' })).toBe('completed');
  });
});
