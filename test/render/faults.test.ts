import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const jobs = Array.from({ length: 10 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join('') + '  after:\n    extend: clip0\n    prompt: and then\n';

async function expectEveryJobOnceAndComplete(r: Rig): Promise<void> {
  const { outcome } = await r.render();
  const run = ran(outcome);
  expect(run.summary.failures).toEqual([]);
  expect(run.summary.done).toBe(11);
  const counts = r.submissionsByJob();
  expect(counts.size).toBe(11);
  for (const [id, n] of counts) expect(n, id).toBe(1);
  expect(r.sim.stats().creditsSpent).toBe(run.plan.totals.credits);
  const lock = JSON.parse(await readFile(`${r.file}.lock`, 'utf8'));
  for (const entry of Object.values<any>(lock.jobs)) {
    const bytes = await readFile(join(r.dir, entry.output));
    expect(bytes.length).toBe(entry.size);
  }
}

describe('render under injected faults', () => {
  it('never submits a job twice when connections reset after the job was accepted', async () => {
    rig = await makeRig({ faults: { resetAfter: 0.3 }, seed: 11 });
    await rig.write(manifest(jobs));
    await expectEveryJobOnceAndComplete(rig);
    expect(rig.sim.stats().faults.resetAfter).toBeGreaterThan(0);
  });

  it('survives 500s, resets before processing and truncated downloads', async () => {
    rig = await makeRig({ faults: { error500: 0.1, resetBefore: 0.05, truncateMedia: 0.4 }, seed: 5 });
    // The random draws depend on how many polls ran first; one of each fault happens whatever the timing.
    rig.sim.forceErrorOnNextRequest('media', 'TRUNCATE');
    rig.sim.forceErrorOnNextRequest('videos/create', 500);
    await rig.write(manifest(jobs));
    await expectEveryJobOnceAndComplete(rig);
    const faults = rig.sim.stats().faults;
    expect(faults.error500 + faults.resetBefore).toBeGreaterThan(0);
    expect(faults.truncated).toBeGreaterThan(0);
  });

  it('backs off and resubmits through a 429 storm', async () => {
    rig = await makeRig({ faults: { storm429: 0.5 }, seed: 3 });
    await rig.write(manifest(jobs));
    await expectEveryJobOnceAndComplete(rig);
    expect(rig.sim.stats().sent429).toBeGreaterThan(0);
  });

  it('reconciles a forced reset after acceptance on the first create', async () => {
    rig = await makeRig();
    rig.sim.forceErrorOnNextRequest('videos/create', 'ECONNRESET_AFTER');
    await rig.write(manifest('  one:\n    prompt: a single shot\n'));
    const { outcome } = await rig.render();
    expect(ran(outcome).summary.done).toBe(1);
    expect(rig.submissionsByJob().get('one')).toBe(1);
  });
});

describe('every job kind under combined faults', () => {
  it('renders the full example on two accounts: uploads, frames and post steps included, nothing twice', async () => {
    const { cp } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    rig = await makeRig(
      {
        accounts: 2,
        maxJobs: 3,
        credits: 1_000_000,
        seed: 1,
        offPeakWaitSeconds: 30,
        timeScale: 0.003,
        faults: { error500: 0.15, resetBefore: 0.05, resetAfter: 0.1, latencyMs: { min: 0, max: 30 }, truncateMedia: 0.2, storm429: 0.2 },
      },
      'espresso-teaser.yaml',
    );
    await cp(fileURLToPath(new URL('../../examples/', import.meta.url)), rig.dir, { recursive: true, filter: (src) => !src.includes('renders') && !src.endsWith('.lock') });
    const run = ran((await rig.render({ simTimeScale: 0.003 })).outcome);
    expect(run.summary.failures).toEqual([]);
    expect(run.summary.done).toBe(run.plan.jobs.length);
    for (const [id, n] of rig.submissionsByJob()) expect(n, id).toBe(1);
    expect(rig.sim.stats().creditsSpent).toBe(run.plan.totals.credits);
    const faults = rig.sim.stats().faults;
    expect(faults.error500 + faults.resetAfter + faults.resetBefore).toBeGreaterThan(0);
  });
});
