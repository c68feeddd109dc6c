/**
 * Acceptance (issue: polite polling): at real pace, 6 jobs that run far longer than expected cause at
 * most one scheduler call per 10 s. The simulator's renders take 10 minutes while the project's catalog
 * expects one second; requests are counted by the simulator over a bounded window.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator } from '../../src/sim/index.js';

const WINDOW_MS = 25_000;

it('6 late jobs at real pace: at most one GET scheduler/available per 10 s, no GET videos/{id} while they run', async () => {
  const slow = { '360p': 120, '540p': 120, '720p': 120, '1080p': 120 };
  const sim = await startSimulator({ timeScale: 1, maxJobs: 8, catalog: { timing: { queue_s: 0, render_s_per_output_s: slow } } });
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-pace-'));
  try {
    const fast = { '360p': 0.2, '540p': 0.2, '720p': 0.2, '1080p': 0.2 };
    await writeFile(join(dir, '.pixrenderrc.json'), JSON.stringify({ catalog: { timing: { queue_s: 0, render_s_per_output_s: fast } } }));
    const file = join(dir, 'late.yaml');
    await writeFile(file, `version: 1\njobs:\n${Array.from({ length: 6 }, (_, i) => `  j${i}: { prompt: "late shot ${i}" }`).join('\n')}\n`);
    const stop = new AbortController();
    let atStart = 0;
    let startedAt = 0;
    const outcome = await runManifest(file, {
      mode: 'render',
      backend: 'useapi',
      apiUrl: sim.url,
      env: { USEAPI_TOKEN: sim.token },
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type !== 'run-start') return;
        atStart = sim.stats().requests['GET scheduler/available'] ?? 0;
        startedAt = Date.now();
        setTimeout(() => stop.abort(), WINDOW_MS);
      },
    });
    expect(outcome.kind).toBe('ran');
    const elapsed = Date.now() - startedAt;
    const stats = sim.stats();
    expect(stats.submissions['videos/create']).toBe(6);
    const ticks = (stats.requests['GET scheduler/available'] ?? 0) - atStart;
    expect(ticks).toBeGreaterThanOrEqual(1); // the jobs were watched
    expect(ticks).toBeLessThanOrEqual(Math.floor(elapsed / 10_000) + 1);
    expect(stats.requests['GET videos/{video_id}'] ?? 0).toBe(0);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 90_000);
