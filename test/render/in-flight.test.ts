/** A job submitted earlier and still rendering is paid for: plan shows it in flight, render spends nothing on it. */
import { afterEach, describe, expect, it } from 'vitest';
import { planManifest } from '../../src/plan-inputs.js';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const jobs = '  a:\n    prompt: one\n  b:\n    prompt: two\n';

describe('in-flight jobs', () => {
  it('after render --no-wait, plan shows both in flight with nothing to spend, and render submits nothing', async () => {
    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(manifest(jobs));
    const first = ran((await rig.render({ noWait: true, simTimeScale: 0.02 })).outcome);
    expect(first.summary.pending).toBe(2);
    const paid = first.plan.jobs.map((j) => j.cost);

    // A budget below what was already committed: nothing is left to spend, so nothing is over it.
    await rig.write(manifest(jobs, 'budget:\n  credits: 1\n'));
    const planned = await planManifest(rig.file, { backend: 'useapi' });
    if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
    const { plan } = planned;
    expect(plan.jobs.map((j) => [j.id, j.action, j.cost, j.inFlight?.credits])).toEqual([
      ['a', 'render', 0, paid[0]],
      ['b', 'render', 0, paid[1]],
    ]);
    expect(plan.jobs.every((j) => typeof j.inFlight?.videoId === 'string')).toBe(true);
    expect(plan.totals).toMatchObject({ render: 0, inFlight: 2, credits: 0, creditsCommitted: paid[0]! + paid[1]! });
    expect(plan.overBudget).toBe(false);

    const second = ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    expect(second.summary.done).toBe(2);
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 1, b: 1 });
    // The lock records what the job cost, not the nothing this run spent on it.
    expect(Object.values(second.lock.jobs).map((e) => e.credits)).toEqual(paid);
  });

});
