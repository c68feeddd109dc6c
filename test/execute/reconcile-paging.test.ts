/**
 * Reconciling an attempt left open by a killed run reads every page of GET videos back to the attempt's
 * time: an accepted job buried under many newer videos is found, never submitted (and paid for) again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_TUNING, makeRig, manifest, ran, type Rig } from '../render/helpers.js';
import { openAttempt, otherVideos, plannedJobs } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('reconcile after a kill -9 between POST and answer', () => {
  it('finds the accepted job under more than 100 newer videos on the account', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    await rig.write(manifest('  one:\n    prompt: the shot that was accepted\n    seed: 42\n'));
    const one = (await plannedJobs(rig)).get('one')!;
    const accepted = await openAttempt(rig, one, { accepted: true });
    rig.sim.completeJobs();
    await otherVideos(rig, 130);

    const run = ran((await rig.render()).outcome);
    expect(rig.submissionsByJob().get('one')).toBe(1);
    expect(run.summary.done).toBe(1);
    expect(run.lock.jobs.one?.videoId).toBe(accepted);
    expect(rig.sim.stats().creditsSpent).toBe(130 * one.cost + one.cost);
  });

  it('submits once when the attempt provably created nothing, even with many newer videos', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    await rig.write(manifest('  one:\n    prompt: the shot that never arrived\n    seed: 42\n'));
    const one = (await plannedJobs(rig)).get('one')!;
    await openAttempt(rig, one, { accepted: false });
    await otherVideos(rig, 120);
    const run = ran((await rig.render()).outcome);
    expect(rig.submissionsByJob().get('one')).toBe(1);
    expect(run.summary.done).toBe(1);
  });

  it('while GET videos keeps failing the job stays an unknown outcome, then a later run finds it', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    await rig.write(manifest('  one:\n    prompt: the shot whose answer was lost\n    seed: 42\n'));
    const one = (await plannedJobs(rig)).get('one')!;
    const accepted = await openAttempt(rig, one, { accepted: true });
    rig.sim.completeJobs();
    // As many failures as one run tries (2 lookups × 3 tries of each GET): the next run gets answers.
    for (let i = 0; i < 6; i++) rig.sim.forceErrorOnNextRequest('GET videos', 500);

    const first = ran((await rig.render({ tuning: { ...FAST_TUNING, reconcileAttempts: 2 } })).outcome);
    expect(rig.submissionsByJob().get('one')).toBe(1);
    expect(first.summary.done).toBe(0);
    expect(first.summary.failures).toEqual([expect.objectContaining({ id: 'one', reason: expect.stringContaining('unknown outcome') })]);

    const later = ran((await rig.render()).outcome);
    expect(later.summary.done).toBe(1);
    expect(later.lock.jobs.one?.videoId).toBe(accepted);
    expect(rig.submissionsByJob().get('one')).toBe(1);
  });
});
