/**
 * The run never commits more than the plan showed: when the API charges more than planned, a submission
 * that could cross the plan's total is refused, and the summary names the jobs charged differently.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('budget guard', () => {
  it('stops submitting before the charged credits would cross the planned total', { timeout: 120_000 }, async () => {
    // The API charges 2.5× the plan's price (a price change the catalog does not know yet). One slot: jobs go one by one.
    rig = await makeRig({ maxJobs: 1, catalog: { models: { v6: { price: { perSecond: { '360p': 10 } } } } } });
    await rig.write(manifest(['a', 'b', 'c', 'd'].map((id) => `  ${id}:\n    prompt: shot ${id}\n`).join('')));
    const run = ran((await rig.render()).outcome);
    const planned = run.plan.totals.credits;
    expect(planned).toBe(4 * 20);
    expect(rig.sim.stats().creditsSpent).toBeLessThanOrEqual(planned);
    expect(run.summary.creditsSpent).toBe(rig.sim.stats().creditsSpent);
    expect(run.summary.stopReason).toBe('budget');
    const refused = run.summary.failures.filter((f) => f.outcome?.kind === 'over-budget');
    expect(refused.length).toBeGreaterThan(0);
    const charged = run.summary.creditDifferences ?? [];
    expect(charged.length).toBe(run.summary.done);
    for (const d of charged) expect(d).toMatchObject({ planned: 20, charged: 50 });
    expect(Object.values(run.lock.jobs).every((e) => e.credits === 50 && (e as { plannedCredits?: number }).plannedCredits === 20)).toBe(true);
  });
});
