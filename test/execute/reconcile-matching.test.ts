/**
 * A listed video is an attempt's job only when every field the API echoes agrees with the request and no
 * other job owns it; where the fields cannot tell candidates apart, the job stays unknown until settled.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from '../render/helpers.js';
import { clientOf, openAttempt, plannedJobs } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('matching a lost answer to a listed video', () => {
  it('a reset on the second cell of a matrix over aspect (pinned seed) renders that cell, not the first cell again', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 1 });
    await rig.write(manifest('  shot:\n    prompt: a red kite over the dunes\n    seed: 7\n    matrix:\n      aspect: ["16:9", "9:16"]\n'));
    const rendering = rig.render();
    // One slot: the second cell is posted only once the first is accepted. Its POST dies before the API sees it.
    await until(() => rig!.sim.stats().jobs.length >= 1, 'the first cell to be accepted');
    rig.sim.forceErrorOnNextRequest('videos/create', 'ECONNRESET');
    const run = ran((await rendering).outcome);

    expect(run.summary.failures).toEqual([]);
    expect(run.summary.done).toBe(2);
    const first = run.lock.jobs['shot[aspect=16:9]']!;
    const second = run.lock.jobs['shot[aspect=9:16]']!;
    expect(second.videoId).not.toBe(first.videoId);
    const byId = new Map(rig.sim.stats().jobs.map((j) => [j.video_id, j]));
    expect(byId.get(second.videoId)?.replyRef).toMatch(/^pixrender:shot\[aspect=9:16\]@/);
    for (const [id, n] of rig.submissionsByJob()) expect(n, id).toBe(1);
  });

  it('a video recorded as another job in the lock is never adopted, even when every echoed field agrees', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    const both = manifest('  a:\n    prompt: the same words\n    seed: 3\n  b:\n    prompt: the same words\n    seed: 3\n');
    await rig.write(manifest('  a:\n    prompt: the same words\n    seed: 3\n'));
    expect(ran((await rig.render()).outcome).summary.done).toBe(1);
    // Moments later b, with a's exact request, is killed between its intent and its POST.
    await rig.write(both);
    await openAttempt(rig, (await plannedJobs(rig)).get('b')!, { accepted: false });
    const run = ran((await rig.render()).outcome);
    expect(run.summary.failures).toEqual([]);
    expect(run.lock.jobs.b!.videoId).not.toBe(run.lock.jobs.a!.videoId);
    expect(rig.submissionsByJob().get('b')).toBe(1);
  });
});

describe('an unknown outcome the echoed fields cannot settle', () => {
  async function upscaleWithTwin(r: Rig): Promise<{ accepted: string; twin: string }> {
    await r.write(manifest('  base:\n    prompt: a skyline at dusk\n'));
    const base = ran((await r.render()).outcome).lock.jobs.base!;
    await r.write(manifest('  base:\n    prompt: a skyline at dusk\n  big:\n    upscale: base\n'));
    const big = (await plannedJobs(r)).get('big')!;
    const body = { ...big.job.params, video_id: base.videoId };
    const accepted = (await openAttempt(r, big, { accepted: true, body }))!;
    // The same source upscaled again outside pixrender (e.g. on the website): the same echoed fields.
    const client = clientOf(r);
    const twin = (await client.generate('videos/upscale', body)).video_id;
    await client.close();
    r.sim.completeJobs();
    return { accepted, twin };
  }

  it('is neither guessed nor resubmitted: the job reports its candidates until settled, then adopts the chosen video', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    const { accepted, twin } = await upscaleWithTwin(rig);

    for (let i = 0; i < 2; i++) {
      const run = ran((await rig.render()).outcome);
      const failure = run.summary.failures.find((f) => f.id === 'big');
      expect(failure?.reason).toContain('unknown outcome');
      expect(failure?.reason).toContain(accepted);
      expect(failure?.reason).toContain(twin);
      expect(run.lock.jobs.big).toBeUndefined();
      expect(rig.submissionsByJob().get('big')).toBe(1);
    }

    // `pixrender status FILE` (a collect run) shows the same question, with the command that settles it.
    const status = ran((await rig.render({ mode: 'collect' })).outcome);
    const shown = status.summary.failures.find((f) => f.id === 'big');
    expect(shown?.outcome).toEqual({ kind: 'unknown-outcome', candidates: expect.arrayContaining([accepted, twin]), detail: expect.any(String) });
    expect(shown?.reason).toContain('pixrender status project.yaml --adopt big=VIDEO_ID');
    expect(rig.submissionsByJob().get('big')).toBe(1);

    const { settleAttempt } = await import('../../src/state/settle.js');
    const baseVideo = status.lock.jobs.base!.videoId;
    expect(await settleAttempt(rig.file, { kind: 'adopt', job: 'big', videoId: baseVideo })).toMatchObject({ ok: false, problem: 'claimed' });
    expect(await settleAttempt(rig.file, { kind: 'adopt', job: 'base', videoId: accepted })).toMatchObject({ ok: false, problem: 'no-open-attempt' });
    expect(await settleAttempt(rig.file, { kind: 'adopt', job: 'big', videoId: accepted })).toEqual({ ok: true });
    expect(await settleAttempt(rig.file, { kind: 'abandon', job: 'big' })).toMatchObject({ ok: false, problem: 'known' });
    const run = ran((await rig.render()).outcome);
    expect(run.summary.failures).toEqual([]);
    expect(run.lock.jobs.big?.videoId).toBe(accepted);
    expect(rig.submissionsByJob().get('big')).toBe(1);
  });

  it('--abandon closes the attempt, so the next render submits the job', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    await upscaleWithTwin(rig);
    ran((await rig.render()).outcome);
    const { settleAttempt } = await import('../../src/state/settle.js');
    expect(await settleAttempt(rig.file, { kind: 'abandon', job: 'big' })).toEqual({ ok: true });
    const run = ran((await rig.render()).outcome);
    expect(run.summary.failures).toEqual([]);
    expect(rig.submissionsByJob().get('big')).toBe(2);
  });

  it('`pixrender status FILE --adopt JOB=VIDEO_ID` settles it and collects the video', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    const { accepted } = await upscaleWithTwin(rig);
    expect(ran((await rig.render()).outcome).lock.jobs.big).toBeUndefined();
    const { command } = await import('../../src/commands/status.js');
    const saved = process.env.USEAPI_TOKEN;
    process.env.USEAPI_TOKEN = rig.sim.token;
    let code: number;
    try {
      code = await command.run([rig.file, '--backend', 'useapi', '--api-url', rig.sim.url, '--time-scale', '0.005', '--plain', '--adopt', `big=${accepted}`]);
    } finally {
      if (saved === undefined) delete process.env.USEAPI_TOKEN;
      else process.env.USEAPI_TOKEN = saved;
    }
    expect(code).toBe(0);
    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(lock.jobs.big.videoId).toBe(accepted);
    expect(rig.submissionsByJob().get('big')).toBe(1);
  });
});
