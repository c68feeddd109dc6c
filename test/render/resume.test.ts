/**
 * kill -9 at arbitrary points of a real `pixrender render` child process, then render again:
 * submitted jobs are collected, never submitted twice; the lock stays valid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const TIME_SCALE = 0.04;

let rig: Rig | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await rig?.close();
  rig = undefined;
});

function startRender(r: Rig): ChildProcess {
  const args = [cli, 'render', r.file, '--backend', 'useapi', '--api-url', r.sim.url, '--time-scale', String(TIME_SCALE), '--plain'];
  return spawn(process.execPath, args, { env: { ...process.env, USEAPI_TOKEN: r.sim.token, CI: '1' }, stdio: 'ignore' });
}

async function killWhen(r: Rig, proc: ChildProcess, condition: () => boolean): Promise<void> {
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  proc.kill('SIGKILL');
  await exited;
}

describe('crash safety', () => {
  it('resumes after kill -9 without submitting anything twice', async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    rig = await makeRig({ timeScale: TIME_SCALE, maxJobs: 2 });
    const jobs = Array.from({ length: 6 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join('') + '  tail:\n    extend: clip5\n    prompt: and then\n';
    await rig.write(manifest(jobs));

    // Killed right after the first acceptance, then again in the middle of the batch.
    child = startRender(rig);
    await killWhen(rig, child, () => rig!.sim.stats().jobs.length >= 1);
    child = startRender(rig);
    await killWhen(rig, child, () => rig!.sim.stats().jobs.length >= 4);

    const { outcome } = await rig.render({ simTimeScale: TIME_SCALE });
    const run = ran(outcome);
    expect(run.summary.failures).toEqual([]);
    const counts = rig.submissionsByJob();
    expect(counts.size).toBe(7);
    for (const [id, n] of counts) expect(n, id).toBe(1);

    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs)).toHaveLength(7);
    for (const entry of Object.values<any>(lock.jobs)) {
      expect((await readFile(join(rig.dir, entry.output))).length).toBe(entry.size);
    }
    const again = ran((await rig.render({ simTimeScale: TIME_SCALE })).outcome);
    expect(again.summary.cached).toBe(7);
    expect(rig.sim.stats().jobs).toHaveLength(7);
  });

  it('Ctrl-C stops submitting, saves state and exits 130; the next render finishes without resubmitting', async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    rig = await makeRig({ timeScale: TIME_SCALE, maxJobs: 2 });
    const jobs = Array.from({ length: 6 }, (_, i) => `  clip${i}:\n    prompt: Shot number ${i}\n`).join('');
    await rig.write(manifest(jobs));
    child = startRender(rig);
    const exitCode = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (rig.sim.stats().jobs.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    expect(await exitCode).toBe(130);
    const submittedBefore = rig.sim.stats().jobs.length;
    expect(submittedBefore).toBeLessThan(6);

    const run = ran((await rig.render({ simTimeScale: TIME_SCALE })).outcome);
    expect(run.summary.failures).toEqual([]);
    for (const [id, n] of rig.submissionsByJob()) expect(n, id).toBe(1);
    expect(rig.sim.stats().jobs).toHaveLength(6);
  });
});
