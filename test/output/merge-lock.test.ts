/**
 * The lock merge driver in a real git repository: two branches render different jobs and one job
 * both, `git merge` with `merge.pixrender.driver` set ends clean, the lock keeps every render, and the
 * next plan submits nothing. An unreadable side is the one case it cannot decide (exit 1, OURS untouched).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, runCli } from './run-cli.js';

let dir: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: '' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...env, HOME: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Jobs a, b, c with filler lines between them so git merges the manifest's text cleanly. */
const manifest = (a: string, b: string, c: string) => `version: 1
name: merge
defaults:
  quality: 360p
  duration: 5
jobs:
  a:
    prompt: ${a}
    # a's settings end here
    # (lines that stay the same keep git's text merge of the manifest clean)

  b:
    prompt: ${b}
    # b's settings end here
    # (lines that stay the same keep git's text merge of the manifest clean)

  c:
    prompt: ${c}
`;

async function render(): Promise<void> {
  const r = await runCli(dir, ['render', 'm.yaml', '--time-scale', '0.01'], { CI: '1' });
  expect(r.code, r.err + r.out).toBe(0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-merge-lock-'));
  git('init', '-q', '-b', 'main');
  git('config', 'merge.pixrender.driver', `"${process.execPath}" "${cli}" merge-lock %O %A %B %P`);
  await writeFile(join(dir, '.gitattributes'), '*.lock merge=pixrender\n');
  await writeFile(join(dir, '.gitignore'), '.pixrender/\nrenders/\n');
  await writeFile(join(dir, 'm.yaml'), manifest('a lighthouse', 'a harbour', 'a cliff'));
  await render();
  git('add', '-A');
  git('commit', '-qm', 'base');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('pixrender merge-lock as git merge driver', () => {
  it('merges two branches that rendered different jobs and one job both, without a conflict', async () => {
    git('checkout', '-qb', 'x');
    await writeFile(join(dir, 'm.yaml'), manifest('a lighthouse at night', 'a harbour', 'a cliff at dawn'));
    await render();
    git('commit', '-qam', 'x renders a and c');
    const lockX = JSON.parse(await readFile(join(dir, 'm.yaml.lock'), 'utf8')) as { jobs: Record<string, { videoId: string }> };

    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'y');
    await writeFile(join(dir, 'm.yaml'), manifest('a lighthouse', 'a harbour in rain', 'a cliff at dawn'));
    await render();
    git('commit', '-qam', 'y renders b and c');
    const lockY = JSON.parse(await readFile(join(dir, 'm.yaml.lock'), 'utf8')) as { jobs: Record<string, { videoId: string }> };
    expect(lockY.jobs['c']!.videoId).not.toBe(lockX.jobs['c']!.videoId);

    let merged: string;
    try {
      merged = execFileSync('git', ['merge', '--no-edit', 'x'], { cwd: dir, env: { ...env, HOME: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout: string; stderr: string };
      throw new Error(`git merge failed:\n${e.stdout}\n${e.stderr}`);
    }
    expect(git('status', '--porcelain')).toBe('');
    const text = await readFile(join(dir, 'm.yaml.lock'), 'utf8');
    expect(text).not.toMatch(/<<<<<<<|>>>>>>>/);
    const lock = JSON.parse(text) as { jobs: Record<string, { videoId: string }> };
    expect(lock.jobs['a']!.videoId).toBe(lockX.jobs['a']!.videoId);
    expect(lock.jobs['b']!.videoId).toBe(lockY.jobs['b']!.videoId);
    // c was rendered on both: y rendered it last, so y's render stays.
    expect(lock.jobs['c']!.videoId).toBe(lockY.jobs['c']!.videoId);
    expect(merged).toBeDefined();

    // The merged manifest asks for exactly what the merged lock holds: nothing to submit again.
    const plan = await runCli(dir, ['plan', 'm.yaml', '--json']);
    expect(plan.code, plan.err).toBe(0);
    const jobs = (JSON.parse(plan.out) as { jobs: { id: string; action: string }[] }).jobs;
    expect(jobs.filter((j) => j.action === 'render' || j.action === 'stale')).toEqual([]);
  }, 120_000);

  it('the same job rendered from different requests on both sides: one render kept, marked stale, rendered again once', async () => {
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'p');
    await writeFile(join(dir, 'm.yaml'), manifest('a lighthouse', 'a harbour', 'a cliff in fog'));
    await render();
    git('commit', '-qam', 'p renders c in fog');
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'q');
    await writeFile(join(dir, 'm.yaml'), manifest('a lighthouse', 'a harbour', 'a cliff in snow'));
    await render();
    git('commit', '-qam', 'q renders c in snow');
    const lockQ = JSON.parse(await readFile(join(dir, 'm.yaml.lock'), 'utf8')) as { jobs: Record<string, { videoId: string }> };

    // The manifest's text conflicts (c's prompt); the lock does not: the driver merges it.
    const r = (() => {
      try {
        execFileSync('git', ['merge', '--no-edit', 'p'], { cwd: dir, env: { ...env, HOME: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return { stdout: '', stderr: '' };
      } catch (error) {
        return error as { stdout: string; stderr: string };
      }
    })();
    expect(git('diff', '--name-only', '--diff-filter=U').trim()).toBe('m.yaml');
    expect(r.stderr).toMatch(/c: rendered differently on both sides; kept .*marked stale/);
    const lock = JSON.parse(await readFile(join(dir, 'm.yaml.lock'), 'utf8')) as { jobs: Record<string, { videoId: string; mergeConflict?: unknown }> };
    expect(lock.jobs['c']!.mergeConflict).toBeDefined();
    // The user settles the manifest on our side's prompt, whose render the lock may or may not hold.
    git('checkout', '--ours', 'm.yaml');
    git('commit', '-qam', 'merge p');
    const plan = await runCli(dir, ['plan', 'm.yaml', '--json']);
    expect(plan.code, plan.err).toBe(0);
    const jobs = (JSON.parse(plan.out) as { jobs: { id: string; action: string; reason: string | null }[] }).jobs;
    expect(jobs.filter((j) => j.action === 'render' || j.action === 'stale').map((j) => [j.id, j.action])).toEqual([['c', 'stale']]);
    expect(jobs.find((j) => j.id === 'c')!.reason).toMatch(/lock merge/);
    await render();
    const after = JSON.parse(await readFile(join(dir, 'm.yaml.lock'), 'utf8')) as { jobs: Record<string, { videoId: string; mergeConflict?: unknown }> };
    expect(after.jobs['c']!.mergeConflict).toBeUndefined();
    expect(after.jobs['c']!.videoId).not.toBe(lockQ.jobs['c']!.videoId);
    const again = await runCli(dir, ['plan', 'm.yaml', '--json']);
    expect((JSON.parse(again.out) as { jobs: { action: string }[] }).jobs.every((j) => j.action === 'cached')).toBe(true);
  }, 180_000);

  it('reports the job rendered on both sides, and exits 1 leaving OURS untouched when a side is unreadable', async () => {
    const lockText = await readFile(join(dir, 'm.yaml.lock'), 'utf8');
    const entry = (JSON.parse(lockText) as { jobs: Record<string, Record<string, unknown>> }).jobs['c']!;
    const lockWith = (videoId: string, completedAt: string) => JSON.stringify({ version: 1, jobs: { c: { ...entry, videoId, completedAt } } });
    await writeFile(join(dir, 'O'), '');
    await writeFile(join(dir, 'A'), lockWith('v-ours', '2026-01-01T00:00:02Z'));
    await writeFile(join(dir, 'B'), lockWith('v-theirs', '2026-01-01T00:00:01Z'));
    const r = await runCli(dir, ['merge-lock', 'O', 'A', 'B', 'm.yaml.lock']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/m\.yaml\.lock: c: rendered on both sides .*kept ours \(v-ours/);
    expect((JSON.parse(await readFile(join(dir, 'A'), 'utf8')) as { jobs: Record<string, { videoId: string }> }).jobs['c']!.videoId).toBe('v-ours');

    const broken = `<<<<<<< HEAD\n${lockWith('v1', '2026-01-01T00:00:00Z')}\n=======\n`;
    await writeFile(join(dir, 'A'), broken);
    const bad = await runCli(dir, ['merge-lock', 'O', 'A', 'B']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/ours.*conflict markers/);
    expect(await readFile(join(dir, 'A'), 'utf8')).toBe(broken);
  });
});
