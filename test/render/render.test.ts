import { cp, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMp4Info } from '../../src/sim/index.js';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const chain = manifest(`  a:
    prompt: A lighthouse at dusk
  b:
    extend: a
    prompt: Night falls
  c:
    upscale: b
  solo:
    prompt: A paper boat on a rainy street
`);

describe('render', () => {
  it('renders a DAG in dependency order, writes real MP4s and a sorted lock', async () => {
    rig = await makeRig();
    await rig.write(chain);
    const { outcome, events } = await rig.render();
    const { summary } = ran(outcome);
    expect(summary).toMatchObject({ done: 4, failed: 0, skipped: 0 });

    // Each job submits only after its input's video is final (a video_id input needs no download).
    const order = events.flatMap((e) => (e.type === 'job' && (e.state === 'submitting' || e.state === 'downloading') ? [`${e.id}:${e.state}`] : []));
    expect(order.indexOf('a:downloading')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('b:submitting')).toBeGreaterThan(order.indexOf('a:downloading'));
    expect(order.indexOf('c:submitting')).toBeGreaterThan(order.indexOf('b:downloading'));

    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs)).toEqual(['a', 'b', 'c', 'solo']);
    for (const [id, entry] of Object.entries<any>(lock.jobs)) {
      const bytes = await readFile(join(rig.dir, entry.output));
      expect(bytes.length, id).toBe(entry.size);
      expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    }
    const info = readMp4Info(await readFile(join(rig.dir, lock.jobs.a.output)));
    expect(info?.height).toBe(360);
    expect(lock.jobs.c.endpoint).toBe('videos/upscale');
    expect(JSON.stringify(lock)).not.toContain(rig.sim.token);
    expect(rig.sim.stats().creditsSpent).toBe(outcome.kind === 'ran' ? outcome.plan.totals.credits : -1);
  });

  it('makes zero generation calls on an unchanged manifest, and restores a missing output by download', async () => {
    rig = await makeRig();
    await rig.write(chain);
    ran((await rig.render()).outcome);
    const accepted = rig.sim.stats().jobs.length;

    const again = ran((await rig.render()).outcome);
    expect(again.summary).toMatchObject({ done: 0, cached: 4 });
    expect(rig.sim.stats().jobs.length).toBe(accepted);

    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    await rm(join(rig.dir, lock.jobs.b.output));
    const restored = ran((await rig.render()).outcome);
    expect(restored.plan.jobs.find((j) => j.id === 'b')?.action).toBe('download');
    expect(restored.summary).toMatchObject({ downloaded: 1, cached: 3, done: 0 });
    expect(rig.sim.stats().jobs.length).toBe(accepted);
    expect((await stat(join(rig.dir, lock.jobs.b.output))).size).toBe(lock.jobs.b.size);
  });

  it('re-renders exactly the changed job and its dependents', async () => {
    rig = await makeRig();
    await rig.write(chain);
    ran((await rig.render()).outcome);
    await rig.write(chain.replace('Night falls', 'Dawn breaks'));
    const { outcome } = await rig.render();
    const stale = ran(outcome).plan.jobs.filter((j) => j.action === 'stale').map((j) => j.id);
    expect(stale.sort()).toEqual(['b', 'c']);
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 1, b: 2, c: 2, solo: 1 });
  });

  it('never runs more jobs at once than the accounts allow', async () => {
    rig = await makeRig({ accounts: 2, maxJobs: 2 });
    const jobs = Array.from({ length: 12 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join('');
    await rig.write(manifest(jobs));
    const { summary } = ran((await rig.render()).outcome);
    expect(summary.done).toBe(12);
    const stats = rig.sim.stats();
    for (const account of Object.values(stats.accounts)) expect(account.maxConcurrent).toBeLessThanOrEqual(2);
    expect(stats.sent429).toBe(0);
    expect([...rig.submissionsByJob().values()].every((n) => n === 1)).toBe(true);
  });

  it('refuses to start over budget and submits nothing', async () => {
    rig = await makeRig();
    await rig.write(manifest('  a:\n    prompt: one\n  b:\n    prompt: two\n', 'budget:\n  credits: 30\n'));
    const { outcome } = await rig.render();
    expect(outcome.kind).toBe('over-budget');
    expect(rig.sim.stats().jobs).toHaveLength(0);
  });

  it('fails a moderated job, skips its dependents and finishes everything else', async () => {
    rig = await makeRig();
    await rig.write(
      manifest(`  bad:
    prompt: sim:reject this prompt
  child:
    extend: bad
    prompt: never submitted
  flagged:
    prompt: sim:moderate later
  good:
    prompt: A calm sea
`),
    );
    const { summary } = ran((await rig.render()).outcome);
    const failed = Object.fromEntries(summary.failures.map((f) => [f.id, f.reason]));
    expect(failed.bad).toMatch(/moderated/);
    expect(failed.flagged).toMatch(/moderated/);
    expect(failed.child).toMatch(/input bad/);
    expect(summary.done).toBe(1);
    expect(rig.submissionsByJob().get('child')).toBeUndefined();
  });

  it('stops submitting when credits run out (412) and lets running jobs finish', async () => {
    rig = await makeRig({ credits: 60, maxJobs: 8 });
    const jobs = Array.from({ length: 6 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join('');
    await rig.write(manifest(jobs));
    const { summary } = ran((await rig.render()).outcome);
    expect(summary.stopReason).toBe('insufficient-credits');
    expect(summary.done).toBe(3);
    expect(summary.skipped).toBe(3);
    expect(rig.sim.stats().jobs).toHaveLength(3);
    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs)).toHaveLength(3);
  });

  it('submits with --no-wait, then status collects without submitting again', async () => {
    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(manifest('  a:\n    prompt: one\n  b:\n    prompt: two\n'));
    const first = ran((await rig.render({ noWait: true, simTimeScale: 0.02 })).outcome);
    expect(first.summary.pending).toBe(2);
    const collected = ran((await rig.render({ mode: 'collect', simTimeScale: 0.02 })).outcome);
    expect(collected.summary.done).toBe(2);
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 1, b: 1 });
    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs)).toEqual(['a', 'b']);
  });
});

describe('backends', () => {
  it('replaces simulator renders once a real API renders, and never the other way round', async () => {
    rig = await makeRig();
    await rig.write(manifest('  a:\n    prompt: one\n'));
    // The embedded simulator (no token): the lock records where the clip came from.
    const simulated = ran((await rig.render({ backend: 'sim', env: {}, apiUrl: undefined as unknown as string })).outcome);
    expect(simulated.summary.done).toBe(1);
    expect(JSON.parse(await readFile(`${rig.file}.lock`, 'utf8')).jobs.a.backend).toBe('sim');

    const real = ran((await rig.render()).outcome);
    expect(real.plan.jobs[0]).toMatchObject({ action: 'stale', reason: 'rendered on the simulator' });
    expect(JSON.parse(await readFile(`${rig.file}.lock`, 'utf8')).jobs.a.backend).toBe('useapi');

    const simAgain = ran((await rig.render({ backend: 'sim', env: {}, apiUrl: undefined as unknown as string })).outcome);
    expect(simAgain.summary.cached).toBe(1);
    expect(rig.submissionsByJob().get('a')).toBe(1);
  });
});

describe('callbacks', () => {
  it('uses replyUrl callbacks to learn of finished jobs, polling less', async () => {
    const jobs = manifest(Array.from({ length: 8 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join(''));
    const schedulerPolls = (r: Rig) => r.sim.stats().requests['GET scheduler/available'] ?? 0;

    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(jobs);
    expect(ran((await rig.render({ simTimeScale: 0.02 })).outcome).summary.done).toBe(8);
    const pollsWithout = schedulerPolls(rig);
    expect(rig.sim.stats().callbacks.sent).toBe(0);
    await rig.close();

    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(jobs);
    expect(ran((await rig.render({ simTimeScale: 0.02, callbacks: {} })).outcome).summary.done).toBe(8);
    expect(rig.sim.stats().callbacks.sent).toBeGreaterThan(0);
    expect(schedulerPolls(rig)).toBeLessThan(pollsWithout);
    expect(rig.sim.stats().jobs.every((j) => j.replyRef?.startsWith('pixrender:'))).toBe(true);
  });
});

describe('uploads', () => {
  it('uploads an asset once per content, also across runs', async () => {
    rig = await makeRig();
    const image = join(rig.dir, 'hero.png');
    await cp(fileURLToPath(new URL('../../examples/assets/hero.png', import.meta.url)), image);
    const yaml = (prompt: string) =>
      manifest(`  a:\n    image: hero\n    prompt: ${prompt}\n  b:\n    image: hero\n    prompt: ${prompt} again\n`, 'assets:\n  hero: ./hero.png\n');
    await rig.write(yaml('first'));
    expect(ran((await rig.render()).outcome).summary.done).toBe(2);
    expect(rig.sim.stats().requests['POST files']).toBe(1);
    await rig.write(yaml('second'));
    expect(ran((await rig.render()).outcome).summary.done).toBe(2);
    expect(rig.sim.stats().requests['POST files']).toBe(1);
  });
});

describe('off-peak', () => {
  it("prices off-peak jobs with the plan's off_peak_discount from GET features", async () => {
    rig = await makeRig({ offPeakDiscount: 0.7, offPeakWaitSeconds: 10, accounts: 2 });
    await rig.write(manifest('  a:\n    prompt: one\n    quality: 540p\n    offPeak: always\n'));
    const run = ran((await rig.render()).outcome);
    expect(run.plan.jobs[0]).toMatchObject({ offPeak: true, cost: 21, credits: { standard: 30, offPeak: 21 } });
    expect(run.summary.done).toBe(1);
    expect(rig.sim.stats().jobs[0]).toMatchObject({ offPeak: true, credits: 21 });
  });
});
