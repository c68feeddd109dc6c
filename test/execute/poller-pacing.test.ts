/** Polite polling: one scheduler call per tick, ticks never closer than the interval, late jobs never speed it up. */
import { describe, expect, it } from 'vitest';
import type { PixverseApi } from '../../src/api/api.js';
import type { Clock } from '../../src/clock.js';
import { Poller } from '../../src/execute/poller.js';

/** Time moves only when the poller sleeps: a sleep ends by moving the clock to its end (never backwards). */
function jumpingClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      const until = now + ms;
      return new Promise<void>((resolve) => setTimeout(() => { now = Math.max(now, until); resolve(); }, 1));
    },
  };
}

describe('poller pacing', () => {
  it('6 jobs that run far longer than expected cost at most one scheduler call per tick', async () => {
    const clock = jumpingClock();
    const ids = Array.from({ length: 6 }, (_, i) => `user:1-pixverse:a@b.c-video:${i + 1}`);
    const calls: { what: string; at: number }[] = [];
    const api = {
      getSchedulerAvailable: async () => ({ executing: ids.map((id) => ({ id, type: 'video', started: '', elapsed: '' })), available: [] }),
      getVideo: async () => undefined,
    } as unknown as PixverseApi;
    const poller = new Poller({ api, clock, minIntervalMs: 10_000, maxIntervalMs: 30_000, onRequest: (what) => calls.push({ what, at: clock.now() }) });
    const results: Promise<unknown>[] = [];
    let lastWatchAt = 0;
    for (const id of ids) {
      lastWatchAt = clock.now();
      results.push(poller.watch(id, 1_000, 120_000));
      await new Promise((r) => setTimeout(r, 5)); // submissions trickle in while the loop runs
    }
    expect(await Promise.all(results)).toEqual(ids.map(() => 'timeout'));
    const ticks = calls.filter((c) => c.what === 'scheduler/available');
    expect(calls.filter((c) => c.what === 'videos/{id}')).toEqual([]);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.at - ticks[i - 1]!.at).toBeGreaterThanOrEqual(10_000);
    // The clock runs on while jobs trickle in: the last deadline bounds the number of ticks.
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil((lastWatchAt + 120_000 - ticks[0]!.at) / 10_000) + 1);
  }, 30_000);
});

describe('off-peak jobs', () => {
  it('are looked up together through GET videos, at most once per account and tick, never in the scheduler', async () => {
    const clock = jumpingClock();
    const ids = Array.from({ length: 5 }, (_, i) => `user:1-pixverse:${i < 3 ? 'a' : 'b'}@b.c-video:${i + 1}`);
    const calls: { what: string; at: number; email?: string }[] = [];
    let lists = 0;
    const api = {
      getSchedulerAvailable: async () => ({ executing: [], available: [] }),
      getVideo: async () => null,
      // Final from the third listing on.
      listVideos: async ({ email }: { email?: string }) => {
        calls.push({ what: 'list', at: clock.now(), ...(email ? { email } : {}) });
        lists++;
        const done = lists > 4;
        return { data: ids.filter((id) => id.includes(`:${email}-`)).map((video_id) => ({ video_id, video_status: done ? 1 : 5, url: done ? 'https://x/y.mp4' : '', output_width: done ? 960 : 0 })) };
      },
    } as unknown as PixverseApi;
    const poller = new Poller({ api, clock, minIntervalMs: 10_000, maxIntervalMs: 30_000, onRequest: (what) => calls.push({ what, at: clock.now() }) });
    const results = await Promise.all(ids.map((id) => poller.watch(id, 1_000, 600_000, { offPeak: true })));
    expect(results.map((r) => (r as { video_id: string }).video_id)).toEqual(ids);
    expect(calls.filter((c) => c.what === 'scheduler/available' || c.what === 'videos/{id}')).toEqual([]);
    const listings = calls.filter((c) => c.what === 'list');
    // Two accounts, three ticks: six listings, one per account per tick, ticks 10 s apart.
    expect(listings).toHaveLength(6);
    const ticks = [...new Set(listings.map((c) => c.at))];
    expect(ticks).toHaveLength(3);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(10_000);
    for (const at of ticks) expect(listings.filter((c) => c.at === at).map((c) => c.email).sort()).toEqual(['a@b.c', 'b@b.c']);
  }, 30_000);
});

describe('looks shared by other runners', () => {
  it('confirm a job that left another runner’s scheduler list at once; a job still executing, a newer one, or another token’s account keeps its schedule', async () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: () => new Promise<void>(() => undefined) }; // our own ticks never come
    const done = 'user:1-pixverse:a@b.c-video:1';
    const running = 'user:1-pixverse:a@b.c-video:2';
    const elsewhere = 'user:1-pixverse:z@b.c-video:3';
    const fetched: string[] = [];
    const api = {
      getSchedulerAvailable: async () => ({ executing: [], available: [] }),
      getVideo: async (id: string) => (fetched.push(id), { video_id: id, video_status: 1, url: 'https://x/y.mp4', output_width: 960 }),
    } as unknown as PixverseApi;
    const poller = new Poller({ api, clock, minIntervalMs: 10_000, maxIntervalMs: 30_000 });
    const first = poller.watch(done, 60_000, 600_000);
    void poller.watch(running, 60_000, 600_000);
    void poller.watch(elsewhere, 60_000, 600_000);
    now = 5_000;
    const fresh = 'user:1-pixverse:a@b.c-video:4';
    void poller.watch(fresh, 60_000, 600_000);
    // Another runner asked at 4 s (took 1 s): the fresh job did not exist yet; the running one is listed.
    poller.heard({ accounts: ['a@b.c'], executing: [running], tookMs: 1_000 });
    expect(await first).toMatchObject({ video_id: done });
    expect(fetched).toEqual([done]);
    expect(poller.size).toBe(3);
  });
});
