/**
 * Renders against the simulator onto disks that give out: the output folder on a full tmpfs, and the
 * whole project (journal, lock, outputs) on a tmpfs that turns read-only mid-run. Neither may leave a
 * lock entry for a file that is not whole, crash with an unhandled rejection, or need a second
 * submission: once the disk is back, the next run only downloads.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events.js';
import { runManifest, type RunOptions } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { FAST_TUNING, manifest, ran } from '../render/helpers.js';
import { mounted, mountTmpfs, type Tmpfs } from './tmpfs.js';

const disk = await mountTmpfs('3m');
const fs: Tmpfs | undefined = mounted(disk) ? disk : undefined;
let sim: Simulator | undefined;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  fs?.writable();
  fs?.resize('3m');
  for (const c of cleanups.splice(0)) await c();
  if (fs) for (const name of await readdir(fs.dir)) await rm(join(fs.dir, name), { recursive: true, force: true });
});
afterAll(() => fs?.unmount());

const TWO_JOBS = '  quick:\n    prompt: a quick shot\n  slow:\n    prompt: a slower shot\n    quality: 720p\n    duration: 8\n';

async function render(file: string, options: Partial<RunOptions> = {}) {
  sim ??= await startSimulator({ timeScale: 0.005, maxJobs: 4, seed: 7 });
  const events: RunEvent[] = [];
  const run = runManifest(file, {
    mode: 'render',
    backend: 'useapi',
    apiUrl: sim.url,
    env: { USEAPI_TOKEN: sim.token },
    simTimeScale: 0.005,
    tuning: FAST_TUNING,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { run, events };
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

/** Every lock entry names a file that is whole: its size and sha256 are the file's. */
async function expectLockMatchesFiles(lockFile: string, base: string): Promise<number> {
  const lock = JSON.parse(await readFile(lockFile, 'utf8')) as { jobs: Record<string, { output: string; size: number; sha256: string }> };
  for (const [id, entry] of Object.entries(lock.jobs)) {
    const file = join(base, entry.output);
    expect((await readFile(file)).length, id).toBe(entry.size);
    expect(await sha256(file), id).toBe(entry.sha256);
  }
  return Object.keys(lock.jobs).length;
}

describe.runIf(fs)('rendering onto a disk that gives out', () => {
  it('a full output disk: each job fails with one line naming its file; nothing is locked; the next run only downloads', async () => {
    const project = await mkdtemp(join(tmpdir(), 'pixrender-full-'));
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    const file = join(project, 'project.yaml');
    // A folder outside the project is trusted only when the project config names it.
    await writeFile(join(project, 'pixrender.config.yaml'), `outputDir: ${fs!.dir}/renders\n`);
    await writeFile(file, manifest(TWO_JOBS));
    await mkdir(join(fs!.dir, 'renders'));
    await fs!.fillLeaving(16 * 1024);

    const first = ran(await (await render(file)).run);
    expect(first.summary.failed).toBe(2);
    for (const failure of first.summary.failures) {
      expect(failure.reason).not.toContain('\n');
      expect(failure.reason).toContain(join(fs!.dir, 'renders', `${failure.id}.mp4`));
      expect(failure.reason).toMatch(/no space left/);
    }
    expect(first.lock.jobs).toEqual({});
    expect((await readdir(join(fs!.dir, 'renders'))).filter((n) => n.endsWith('.mp4') || n.endsWith('.part'))).toEqual([]);
    const submitted = sim!.stats().jobs.length;
    expect(submitted).toBe(2);

    await rm(join(fs!.dir, 'filler'));
    const second = ran(await (await render(file)).run);
    expect(second.summary.failures).toEqual([]);
    expect(second.summary.done + second.summary.downloaded).toBe(2);
    expect(sim!.stats().jobs.length, 'no job is submitted again').toBe(submitted);
    expect(await expectLockMatchesFiles(`${file}.lock`, project)).toBe(2);
  });

  it('restoring a recorded output onto a full disk: one line about the disk, no advice to render it again', async () => {
    const project = await mkdtemp(join(tmpdir(), 'pixrender-full-'));
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    const file = join(project, 'project.yaml');
    await writeFile(join(project, 'pixrender.config.yaml'), `outputDir: ${fs!.dir}/renders\n`);
    await writeFile(file, manifest('  quick:\n    prompt: a quick shot\n'));
    ran(await (await render(file)).run);
    await rm(join(fs!.dir, 'renders', 'quick.mp4'));
    await fs!.fillLeaving(16 * 1024);

    const restore = ran(await (await render(file)).run);
    expect(restore.plan.jobs[0]!.action).toBe('download');
    const reason = restore.summary.failures[0]!.reason;
    expect(reason).toContain(`${join(fs!.dir, 'renders', 'quick.mp4')}: no space left`);
    expect(reason).not.toMatch(/render it again/);

    await rm(join(fs!.dir, 'filler'));
    expect(ran(await (await render(file)).run).summary.downloaded).toBe(1);
    expect(sim!.stats().jobs).toHaveLength(1);
    expect(await expectLockMatchesFiles(`${file}.lock`, project)).toBe(1);
  });

  it('a project disk that fills up mid-run: one DiskError naming the lock, no unhandled rejection; the next run submits nothing', async () => {
    const project = join(fs!.dir, 'project');
    await mkdir(project);
    const file = join(project, 'project.yaml');
    await writeFile(file, manifest(TWO_JOBS));
    const { run } = await render(file, {
      onEvent: (e) => {
        // Synchronously, before the lock write this completion queued can reach the disk.
        if (e.type === 'job' && e.state === 'done' && e.id === 'quick') fs!.fillNow();
      },
    });
    const error = await run.then(
      (outcome) => outcome,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'DiskError', kind: 'no-space' });
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`${file}.lock`);
    const submitted = sim!.stats().jobs.length;
    expect(submitted).toBe(2);

    await rm(join(fs!.dir, 'filler-now'));
    const second = ran(await (await render(file)).run);
    expect(second.summary.failures).toEqual([]);
    expect(second.summary.cached + second.summary.done + second.summary.downloaded).toBe(2);
    expect(sim!.stats().jobs.length, 'no job is submitted again').toBe(submitted);
    expect(await expectLockMatchesFiles(`${file}.lock`, project)).toBe(2);
  });

  it('a project disk that is read-only from the start: one diagnostic naming the read-only folder, nothing submitted', async () => {
    const project = join(fs!.dir, 'project');
    await mkdir(project);
    const file = join(project, 'project.yaml');
    await writeFile(file, manifest(TWO_JOBS));
    fs!.readOnly();
    const error = await (await render(file)).run.then(
      (outcome) => outcome,
      (e: unknown) => e,
    );
    // Found before anything is written: the output folder cannot be created on a read-only disk.
    expect(error).toMatchObject({ kind: 'invalid', diagnostics: [{ code: 'output-unwritable' }] });
    const [diagnostic] = (error as { diagnostics: { message: string }[] }).diagnostics;
    expect(diagnostic!.message).toContain('the file system is read-only');
    expect(sim!.stats().jobs.length).toBe(0);
  });
});
