/**
 * The first reads of a render (GET scheduler/available, GET accounts, GET features) decide slots, the
 * upload account and the off-peak price. One failed read must not be fatal, and a read that keeps
 * failing must never make the plan cheaper than what the service charges.
 */
import { copyFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isApiError } from '../../src/api/errors.js';
import { formatPlanNote } from '../../src/commands/plan.js';
import { makeRig, manifest, ran, type Rig } from '../render/helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FAST_READS = { readRetry: { delayMs: 20 } };
const OFF_PEAK_JOB = manifest('  a:\n    prompt: one\n    quality: 540p\n    offPeak: always\n');

describe('off-peak price when GET features cannot be read', () => {
  it('plans off-peak at the standard price (never the cheaper catalog factor), says so, and refuses a budget the charge could exceed', async () => {
    rig = await makeRig({ offPeakDiscount: 0.7, offPeakWaitSeconds: 10 });
    for (let i = 0; i < 20; i++) rig.sim.forceErrorOnNextRequest('GET features', 500);
    // Catalog factor 0.5 would plan 15; the plan's factor 0.7 charges 21.
    await rig.write(OFF_PEAK_JOB.replace('jobs:', 'budget: { credits: 20 }\njobs:'));
    const { outcome } = await rig.render(FAST_READS);
    expect(outcome.kind).toBe('over-budget');
    if (outcome.kind !== 'over-budget') return;
    expect(outcome.plan.jobs[0]).toMatchObject({ offPeak: true, cost: 30, credits: { standard: 30, offPeak: 30 } });
    expect(outcome.plan.notes).toEqual([{ code: 'off-peak-factor-unknown', assumedFactor: 1 }]);
    expect(formatPlanNote(outcome.plan.notes![0]!)).toMatch(/off-peak discount could not be read/);
    expect(rig.sim.stats().creditsSpent).toBe(0);
  }, 60_000);

  it('spends no more than the plan showed when it renders without the factor', async () => {
    rig = await makeRig({ offPeakDiscount: 0.7, offPeakWaitSeconds: 10 });
    for (let i = 0; i < 20; i++) rig.sim.forceErrorOnNextRequest('GET features', 'ECONNRESET');
    await rig.write(OFF_PEAK_JOB);
    const run = ran((await rig.render(FAST_READS)).outcome);
    expect(run.summary.failed).toBe(0);
    expect(rig.sim.stats().creditsSpent).toBeLessThanOrEqual(run.plan.totals.credits);
  }, 60_000);

  it('reads the factor after one failed GET features: the plan is exact', async () => {
    rig = await makeRig({ offPeakDiscount: 0.7, offPeakWaitSeconds: 10 });
    rig.sim.forceErrorOnNextRequest('GET features', 503);
    await rig.write(OFF_PEAK_JOB);
    const run = ran((await rig.render(FAST_READS)).outcome);
    expect(run.plan.jobs[0]).toMatchObject({ cost: 21 });
    expect(run.plan.notes).toEqual([]);
    expect(rig.sim.stats().creditsSpent).toBe(21);
  }, 60_000);
});

/** A job with a local image: its upload names an account, which POST files needs with two accounts. */
const UPLOAD_JOB = manifest('  a:\n    prompt: the cup turns\n    image: ./cup.jpg\n');
const cup = fileURLToPath(new URL('../../examples/assets/cup.jpg', import.meta.url));

describe('the first API reads retry a transient failure', () => {
  for (const [route, error] of [
    ['GET scheduler/available', 500],
    ['GET scheduler/available', 'ECONNRESET'],
    ['GET accounts', 503],
    ['GET accounts', 'ECONNRESET'],
    ['GET features', 429],
  ] as const) {
    it(`renders after one ${error} on ${route}; uploads carry their account`, async () => {
      rig = await makeRig({ accounts: 2 });
      await copyFile(cup, join(rig.dir, 'cup.jpg'));
      await rig.write(UPLOAD_JOB);
      rig.sim.forceErrorOnNextRequest(route, error);
      const run = ran((await rig.render(FAST_READS)).outcome);
      expect(run.summary.failures).toEqual([]);
      expect(run.summary.done).toBe(1);
      expect(rig.sim.stats().requests['POST files']).toBe(1);
      expect(rig.sim.stats().faults.forced).toBe(1);
    }, 60_000);
  }

  it('stops before any upload or submission when GET accounts keeps failing (no upload without its account)', async () => {
    rig = await makeRig({ accounts: 2 });
    await copyFile(cup, join(rig.dir, 'cup.jpg'));
    await rig.write(UPLOAD_JOB);
    for (let i = 0; i < 20; i++) rig.sim.forceErrorOnNextRequest('GET accounts', 500);
    const error = await rig.render(FAST_READS).then(() => undefined, (e: unknown) => e);
    expect(isApiError(error, 'server')).toBe(true);
    expect(rig.sim.stats().requests['POST files'] ?? 0).toBe(0);
    expect(rig.sim.stats().jobs).toEqual([]);
  }, 60_000);

  it('does not retry a refused token', async () => {
    rig = await makeRig();
    await rig.write(OFF_PEAK_JOB);
    const error = await rig.render({ ...FAST_READS, env: { USEAPI_TOKEN: 'user:1-wrong' } }).then(() => undefined, (e: unknown) => e);
    expect(isApiError(error, 'unauthorized')).toBe(true);
    expect(rig.sim.stats().requests['GET scheduler/available']).toBe(1);
  }, 60_000);
});
