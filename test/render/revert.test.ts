/**
 * Edits that go back to a version still rendering (A → B → A) collect that render: every open attempt
 * is known by its job and fingerprint, so a revert pays nothing and never sets its own render aside.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planManifest } from '../../src/plan-inputs.js';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const version = (prompt: string) => manifest(`  a:\n    prompt: ${prompt}\n  b:\n    prompt: fixed\n`);
const asideFiles = (dir: string) => (existsSync(join(dir, '.pixrender', 'aside')) ? readdirSync(join(dir, '.pixrender', 'aside')) : []);

async function planOf(file: string) {
  const planned = await planManifest(file, { backend: 'useapi' });
  if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
  return planned.plan;
}

describe('reverting to a version still rendering', () => {
  it('A → B → A with --no-wait between: A is paid once, known by its fingerprint, and the revert spends nothing', async () => {
    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(version('first'));
    ran((await rig.render({ noWait: true, simTimeScale: 0.02 })).outcome);
    await rig.write(version('second'));
    ran((await rig.render({ noWait: true, simTimeScale: 0.02 })).outcome);
    await rig.write(version('first'));

    const plan = await planOf(rig.file);
    const a = plan.jobs.find((j) => j.id === 'a')!;
    // Still rendering (in flight) or already kept aside by the run of "second" (downloaded again): never paid twice.
    expect(a.inFlight !== undefined || a.action === 'download').toBe(true);
    expect(a.cost).toBe(0);
    expect(plan.totals.credits).toBe(0);

    const back = ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    expect(back.summary).toMatchObject({ failed: 0, pending: 0, creditsSpent: 0 });
    expect(back.summary.done + back.summary.cached + back.summary.downloaded).toBe(2);
    // a: once as "first", once as "second"; never "first" again.
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 2, b: 1 });
    expect(back.lock.jobs.a!.fingerprint).toBe(a.fingerprint);
    expect(back.lock.jobs.a!.output).toBe(back.lock.jobs.b!.output.replace(/b\.mp4$/, 'a.mp4'));
    expect((await planOf(rig.file)).jobs.map((j) => j.action)).toEqual(['cached', 'cached']);
  }, 60_000);

  it('A → B (interrupted while A still renders) → A: plan shows A in flight, 0 to spend, and render collects it', async () => {
    rig = await makeRig({ timeScale: 0.05 });
    await rig.write(version('first'));
    ran((await rig.render({ noWait: true, simTimeScale: 0.05 })).outcome);
    await rig.write(version('second'));
    const stop = new AbortController();
    await rig.render({
      simTimeScale: 0.05,
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'job' && e.id === 'a' && e.videoId) stop.abort(new Error('edited again'));
      },
    });
    await rig.write(version('first'));

    const plan = await planOf(rig.file);
    const a = plan.jobs.find((j) => j.id === 'a')!;
    expect(a.inFlight?.videoId).toEqual(expect.any(String));
    expect(a.cost).toBe(0);
    expect(plan.totals.credits).toBe(0);

    const back = ran((await rig.render({ simTimeScale: 0.05 })).outcome);
    expect(back.summary).toMatchObject({ failed: 0, pending: 0, creditsSpent: 0 });
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 2, b: 1 });
    expect(back.lock.jobs.a!.fingerprint).toBe(a.fingerprint);
    expect(asideFiles(rig.dir).filter((f) => f.startsWith(`a@${a.fingerprint.slice(0, 12)}`))).toEqual([]);
  }, 60_000);

  it('A → B → A → B: each version is submitted once, whichever is current', async () => {
    rig = await makeRig({ timeScale: 0.02 });
    for (const prompt of ['first', 'second', 'first']) {
      await rig.write(version(prompt));
      ran((await rig.render({ noWait: true, simTimeScale: 0.02 })).outcome);
    }
    await rig.write(version('second'));
    const plan = await planOf(rig.file);
    expect(plan.totals.credits).toBe(0);
    const last = ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    expect(last.summary).toMatchObject({ failed: 0, pending: 0, creditsSpent: 0 });
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 2, b: 1 });
  }, 60_000);

  it('reverting to a version that already completed (and was compacted out of the lock) spends nothing', async () => {
    rig = await makeRig({ timeScale: 0.02 });
    await rig.write(version('first'));
    ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    await rig.write(version('second'));
    ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    await rig.write(version('first'));
    const plan = await planOf(rig.file);
    // The simulator's clip depends on the seed, so the file on disk may already be the first version's.
    expect(plan.jobs.map((j) => [j.id, j.action === 'download' ? 'cached' : j.action, j.cost])).toEqual([
      ['a', 'cached', 0],
      ['b', 'cached', 0],
    ]);
    expect(plan.totals.credits).toBe(0);
    const back = ran((await rig.render({ simTimeScale: 0.02 })).outcome);
    expect(back.summary).toMatchObject({ failed: 0, done: 0, creditsSpent: 0 });
    expect(back.lock.jobs.a!.fingerprint).toBe(plan.jobs[0]!.fingerprint);
    expect(Object.fromEntries(rig.submissionsByJob())).toEqual({ a: 2, b: 1 });
    // And forward again: "second" is known as well.
    await rig.write(version('second'));
    expect((await planOf(rig.file)).totals.credits).toBe(0);
  }, 60_000);
});
