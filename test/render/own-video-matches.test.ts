/**
 * No false "absent": for every job kind of the full example, the request as sent agrees with the video
 * the simulator made from it, by the same comparison reconcile uses on a lost answer.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import type { VideoObject } from '../../src/api/protocol.js';
import { comparedFields, reconcile } from '../../src/execute/reconcile.js';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sim = undefined;
});

describe('a request matches its own video', () => {
  it('for every job kind of the full example', { timeout: 120_000 }, async () => {
    sim = await startSimulator({ timeScale: 0.002, maxJobs: 8, credits: 1_000_000, offPeakWaitSeconds: 60 });
    dir = await mkdtemp(join(tmpdir(), 'pixrender-own-'));
    const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
    await cp(examples, dir, { recursive: true, filter: (src) => !src.includes('renders') && !src.endsWith('.lock') && !src.includes('.pixrender') });
    const client = new PixverseClient({ baseUrl: sim.url, token: sim.token });
    const sent: { endpoint: string; body: Record<string, unknown>; videoId: string }[] = [];
    const recording = new Proxy(client, {
      get(target, key) {
        if (key !== 'generate') {
          const value = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (endpoint: string, body: Record<string, unknown>) => {
          const answer = await target.generate(endpoint, body);
          const { replyRef: _r, ...request } = body;
          sent.push({ endpoint, body: request, videoId: answer.video_id });
          return answer;
        };
      },
    });
    const outcome = await runManifest(join(dir, 'espresso-teaser.yaml'), {
      mode: 'render',
      backendInstance: { kind: 'useapi', description: 'recording client', api: recording, slots: 8, timeScale: 0.002, close: async () => {} },
      tuning: { busyBackoffMs: 100, busyBackoffMaxMs: 400 },
    });
    if (outcome.kind !== 'ran') throw new Error(outcome.kind);
    expect(outcome.summary.failures).toEqual([]);
    expect(new Set(sent.map((s) => s.endpoint)).size).toBeGreaterThanOrEqual(7);

    const videos = new Map<string, VideoObject>();
    for (let offset = 0; ; offset += 100) {
      const { data } = await client.listVideos({ limit: 100, offset });
      if (data.length === 0) break;
      for (const v of data) videos.set(v.video_id, v);
    }
    for (const { endpoint, body, videoId } of sent) {
      const own = videos.get(videoId)!;
      const differing = comparedFields(body, own).filter((k) => String(body[k]) !== String((own as unknown as Record<string, unknown>)[k]));
      expect(comparedFields(body, own).length, `${endpoint} confirms something`).toBeGreaterThan(0);
      // The same judgement a lost answer gets (the other jobs' videos are in the journal, so claimed):
      // its own video, not a question for the user.
      const claims = { isClaimed: (id: string) => id !== videoId && sent.some((s) => s.videoId === id), openAttempts: () => [] };
      const answer = await reconcile(client, { replyRef: 'lost', body, intentAt: own.created_at! }, { claims });
      expect(answer, `${endpoint} differing: ${differing.join(',')}`).toEqual({ kind: 'found', videoId });
    }
    await client.close();
  });
});
