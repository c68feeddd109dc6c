/**
 * Lost answers among near-identical jobs (a matrix over aspect and quality with one pinned seed and one
 * prompt): under resets before and after the API saw a POST, every job is submitted once and its lock
 * entry holds the video the simulator made for that very job (told by the replyRef it recorded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MATRIX = '  shot:\n    prompt: one prompt for every cell\n    seed: 11\n    matrix:\n      aspect: ["16:9", "9:16", "1:1"]\n      quality: ["360p", "540p"]\n';

describe('lost answers among near-identical jobs', () => {
  for (const seed of [1, 2, 3]) {
    it(`records each cell's own video (fault seed ${seed})`, { timeout: 120_000 }, async () => {
      rig = await makeRig({ maxJobs: 3, seed });
      await rig.write(manifest(MATRIX));
      // Faults from the first submission on (opening the backend is not what this test is about).
      const faults = { resetBefore: 0.25, resetAfter: 0.25, error500: 0.05 };
      const run = ran((await rig.render({ onBackend: () => rig!.sim.setFaults(faults) })).outcome);
      expect(run.summary.failures).toEqual([]);
      expect(run.summary.done).toBe(6);
      const made = new Map(rig.sim.stats().jobs.map((j) => [j.video_id, j.replyRef ?? '']));
      const ids = Object.keys(run.lock.jobs);
      expect(ids).toHaveLength(6);
      for (const id of ids) {
        const ref = made.get(run.lock.jobs[id]!.videoId);
        expect(ref?.startsWith(`pixrender:${id}@`), `${id} holds ${ref}`).toBe(true);
      }
      for (const [id, n] of rig.submissionsByJob()) expect(n, id).toBe(1);
      expect(rig.sim.stats().creditsSpent).toBe(run.plan.totals.credits);
    });
  }
});
