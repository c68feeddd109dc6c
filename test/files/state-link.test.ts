/**
 * `.pixrender` (journal, run lock, output index, renders kept aside) must be the project's own: a
 * symbolic link that leads out of the project is refused with one line and exit 2 before anything is
 * written, by every command that writes state; a link to a folder inside the project is fine.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { isDiskError } from '../../src/state/fs.js';
import { requireBuild, runCli } from '../cli/helpers.js';

const MANIFEST = 'version: 1\nname: v\ndefaults: { quality: 360p, duration: 5 }\njobs:\n  a: { prompt: one shot }\n';
let root: string;
beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pixrender-state-link-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function project(name: string, target: (dir: string, outside: string) => string) {
  const dir = join(root, name, 'proj');
  const outside = join(root, name, 'outside');
  await mkdir(dir, { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(dir, 'v.yaml'), MANIFEST);
  await symlink(target(dir, outside), join(dir, '.pixrender'));
  return { dir, outside };
}

describe('.pixrender as a symbolic link', () => {
  it('leading out: render, clean and status --abandon refuse in one line, exit 2, and write nothing there', async () => {
    const { dir, outside } = await project('out', (_d, o) => o);
    for (const args of [
      ['render', 'v.yaml', '--plain'],
      ['clean', 'v.yaml'],
      ['status', 'v.yaml', '--abandon', 'a'],
    ]) {
      const r = runCli(dir, args, { PIXRENDER_SIM_TIME_SCALE: '0.005' });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err).toMatch(/\.pixrender.*leads outside the project/);
      expect(r.err).not.toMatch(/internal error|\n\s+at /);
    }
    expect(await readdir(outside)).toEqual([]);
    expect(existsSync(join(dir, 'v.yaml.lock'))).toBe(false);
  });

  it('leading out: the library refuses as well (a DiskError before the store opens)', async () => {
    const { dir, outside } = await project('lib', (_d, o) => o);
    await expect(runManifest(join(dir, 'v.yaml'), { mode: 'render', backend: 'sim', simTimeScale: 0.005 })).rejects.toSatisfy((e) => isDiskError(e, 'outside-project'));
    expect(await readdir(outside)).toEqual([]);
  });

  it('to a folder inside the project: renders as usual', async () => {
    const { dir } = await project('in', (d) => {
      return join(d, 'state-here');
    });
    await mkdir(join(dir, 'state-here'));
    const r = runCli(dir, ['render', 'v.yaml', '--plain']);
    expect(r.code, r.err).toBe(0);
    expect((await readdir(join(dir, 'state-here'))).some((n) => n.endsWith('.journal'))).toBe(true);
  });
});
