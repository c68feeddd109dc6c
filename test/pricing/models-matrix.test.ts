/**
 * For every native model of today's reference (catalog/models-2026.json), what `plan` prices is what the
 * simulator charges, over durations × qualities × audio × off-peak. The combinations come from the
 * reference file itself (not from the catalog code under test); the plan reads the account's factors
 * from GET features and the charges come back as cost_credits over real HTTP.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import { readPriceFactors } from '../../src/api/features.js';
import { planManifest } from '../../src/plan-inputs.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { makeRig, ran } from '../render/helpers.js';

interface Cell {
  model: string;
  quality: string;
  duration: number;
  audio: boolean;
  offPeak: boolean;
}

/** Every cell the reference allows for a native model; audio only where it is a boolean the model takes. */
async function referenceCells(): Promise<Cell[]> {
  const ref = JSON.parse(await readFile(new URL('../../catalog/models-2026.json', import.meta.url), 'utf8'));
  const cells: Cell[] = [];
  for (const [model, m] of Object.entries<any>(ref.models)) {
    if (m.family !== 'native') continue;
    const { min, max } = m.durations_s.value;
    const q = m.qualities.value;
    const audio = m.audio.value?.supported === true && m.audio.value.control === 'audio boolean';
    for (const quality of q.values as string[])
      for (let duration = min; duration <= Math.min(max, q.max_duration_s_by_quality?.[quality] ?? max); duration++)
        for (const withAudio of audio ? [false, true] : [false])
          for (const offPeak of [false, true]) cells.push({ model, quality, duration, audio: withAudio, offPeak });
  }
  return cells;
}

describe('plan price == simulator charge, every native model of models-2026.json', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    // A slot for every cell (jobs are never waited for): 110 accounts × 8.
    const accounts = Array.from({ length: 110 }, (_, i) => ({ email: `matrix${i}@example.com`, maxJobs: 8, credits: 1e9 }));
    sim = await startSimulator({ timeScale: 0, accounts, offPeakDiscount: 0.7, previewDiscount: 0.8 });
    dir = await mkdtemp(join(tmpdir(), 'pixrender-matrix-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('over durations × qualities × audio × off-peak', async () => {
    const cells = await referenceCells();
    const jobs = cells.map(
      (c, i) => `  c${i}: { prompt: p, model: ${c.model}, quality: ${c.quality}, duration: ${c.duration}${c.audio ? ', audio: true' : ''}, offPeak: ${c.offPeak ? 'always' : 'never'} }`,
    );
    const file = join(dir, 'matrix.yaml');
    await writeFile(file, `version: 1\nname: matrix\njobs:\n${jobs.join('\n')}\n`);

    const api = new PixverseClient({ baseUrl: sim.url, token: sim.token });
    try {
      const factors = await readPriceFactors(api, 'matrix0@example.com', {});
      expect(factors).toEqual({ offPeak: 0.7, preview: 0.8 });
      const outcome = await planManifest(file, { offPeakMultiplier: factors.offPeak, previewMultiplier: factors.preview, backend: 'sim' });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics.slice(0, 5)));
      expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const planned = outcome.plan.jobs;
      expect(planned).toHaveLength(cells.length);

      const mismatches: string[] = [];
      let offPeakCharged = 0;
      for (const [i, job] of planned.entries()) {
        const body = { ...job.job.params, ...(job.offPeak ? { off_peak_mode: true } : {}) };
        const created = await api.create(body as never);
        if (job.offPeak) offPeakCharged++;
        if (created.cost_credits !== job.cost) mismatches.push(`${JSON.stringify(cells[i])}: plan ${job.cost}, charged ${created.cost_credits}`);
      }
      expect(mismatches).toEqual([]);
      // The matrix is what it claims to be: every model, off-peak where the model offers it.
      expect(new Set(cells.map((c) => c.model))).toEqual(new Set(['v6', 'v5.6', 'v5.5', 'v5', 'v5-fast', 'pixverse-c1']));
      expect(offPeakCharged).toBeGreaterThan(cells.length / 3);
      expect(sim.stats().submissions['videos/create']).toBe(cells.length);
      console.log(`models matrix: ${cells.length} cells, ${offPeakCharged} off-peak, ${sim.stats().creditsSpent} credits charged = planned`);
    } finally {
      await api.close();
    }
  }, 240_000);
});

describe("today's default model", () => {
  it('a job without model renders on v6 at 720p, charged what the plan said', async () => {
    const rig = await makeRig({ timeScale: 0.002 });
    try {
      await rig.write('version: 1\nname: defaults\njobs:\n  a: { prompt: a paper boat on a rainy street, duration: 15 }\n');
      const run = ran((await rig.render()).outcome);
      expect(run.summary.failures).toEqual([]);
      expect(run.plan.jobs[0]!.job.params).toMatchObject({ model: 'v6', quality: '720p', duration: 15 });
      const [job] = rig.sim.stats().jobs;
      expect(job!.credits).toBe(105); // 15 s × 7 credits at 720p
      expect(run.plan.totals.credits).toBe(105);
      const video = await fetch(`${rig.sim.url}/videos/${job!.video_id}`, { headers: { Authorization: `Bearer ${rig.sim.token}` } });
      expect(await video.json()).toMatchObject({ model: 'v6', quality: '720p', duration: 15, video_status: 1 });
    } finally {
      await rig.close();
    }
  }, 60_000);
});
