/**
 * A folder swapped for a symbolic link after validation (during the render) must never carry a write
 * out of the project: job downloads, post-step outputs, the claims file, renders kept aside and the
 * state folder's files each check where their folder really is when they land.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, renameSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/api/download.js';
import { contactSheet } from '../../src/media.js';
import { loadProject, runManifest } from '../../src/pipeline.js';
import { writeFileAtomic } from '../../src/state/atomic.js';
import { writeRootsOf } from '../../src/state/contained.js';
import { isDiskError } from '../../src/state/fs.js';
import { claimOutputs } from '../../src/state/output-claim.js';
import { FAST_TUNING } from '../render/helpers.js';

let root: string;
let server: Server;
let url: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pixrender-swap-'));
  server = createServer((_req, res) => res.writeHead(200, { 'content-length': 5 }).end('bytes'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4`;
});
afterAll(async () => {
  await new Promise<void>((ok) => server.close(() => ok()));
  await rm(root, { recursive: true, force: true });
});

/** A project with an output folder, and a folder outside it. */
async function layout(name: string) {
  const dir = join(root, name, 'proj');
  const outside = join(root, name, 'outside');
  await mkdir(join(dir, 'renders', 'shots'), { recursive: true });
  await mkdir(outside, { recursive: true });
  /** Swaps `folder` (inside the project) for a link to the outside folder. */
  const swap = async (folder: string) => {
    renameSync(join(dir, folder), join(dir, `${folder}.moved`));
    symlinkSync(outside, join(dir, folder));
  };
  return { dir, outside, swap };
}

const outsideProject = (e: unknown) => isDiskError(e, 'outside-project');

describe('a folder swapped for a link after validation', () => {
  it('download(): nothing lands outside, neither the temp file nor the render', async () => {
    const { dir, outside, swap } = await layout('download');
    await swap('renders/shots');
    await expect(download(url, join(dir, 'renders', 'shots', 'a.mp4'), { within: [dir] })).rejects.toSatisfy(outsideProject);
    expect(await readdir(outside)).toEqual([]);
    // Without bounds (a library caller's own path) it still downloads.
    await download(url, join(outside, 'b.mp4'));
    expect(existsSync(join(outside, 'b.mp4'))).toBe(true);
  });

  it('atomic writes (claims, state, gallery) and post-step outputs check their folder before the rename', async () => {
    const { dir, outside, swap } = await layout('atomic');
    await mkdir(join(dir, '.pixrender', 'aside'), { recursive: true });
    await swap('renders/shots');
    await expect(writeFileAtomic(join(dir, 'renders', 'shots', '.pixrender-claims.json'), '{}', undefined, [dir])).rejects.toSatisfy(outsideProject);
    await expect(contactSheet([join(dir, 'nothing.mp4')], join(dir, 'renders', 'shots', 'sheet.jpg'), { within: [dir] })).rejects.toSatisfy(outsideProject);
    await swap('.pixrender/aside');
    await expect(download(url, join(dir, '.pixrender', 'aside', 'job@0123456789ab.mp4'), { within: [dir] })).rejects.toSatisfy(outsideProject);
    expect(await readdir(outside)).toEqual([]);
  });

  it('the claims file is not written through an output folder swapped after validation', async () => {
    const { dir, outside, swap } = await layout('claims');
    await writeFile(join(dir, 'v.yaml'), 'version: 1\nname: v\noutput: { dir: renders/shots }\njobs:\n  a: { prompt: one shot }\n');
    const loaded = await loadProject(join(dir, 'v.yaml'));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    await swap('renders/shots');
    await expect(claimOutputs(loaded.graph.manifest)).rejects.toSatisfy(outsideProject);
    expect(await readdir(outside)).toEqual([]);
  });

  it('a render whose output folder is swapped after the plan downloads nothing outside and says why', async () => {
    const { dir, outside, swap } = await layout('render');
    await writeFile(join(dir, 'v.yaml'), 'version: 1\nname: v\ndefaults: { quality: 360p, duration: 5 }\noutput: { dir: renders/shots/deep }\njobs:\n  a: { prompt: one shot }\n');
    // The folder above the output folder is swapped: not even a folder may be made outside.
    const outcome = await runManifest(join(dir, 'v.yaml'), {
      mode: 'render',
      backend: 'sim',
      simTimeScale: 0.005,
      tuning: FAST_TUNING,
      onPlan: () => void swap('renders/shots'),
    });
    expect(outcome.kind).toBe('ran');
    if (outcome.kind !== 'ran') return;
    expect(outcome.summary.failures.map((f) => f.reason).join('\n')).toMatch(/symbolic link on the way leads outside the project/);
    expect(await readdir(outside)).toEqual([]);
    expect(outcome.lock.jobs).toEqual({});
  });

  it('the write roots are the manifest folder and the config outputDir', () => {
    expect(writeRootsOf({ file: '/p/v.yaml' })).toEqual(['/p']);
    expect(writeRootsOf({ file: '/p/v.yaml', outputRoot: '/elsewhere/out' })).toEqual(['/p', '/elsewhere/out']);
  });
});
