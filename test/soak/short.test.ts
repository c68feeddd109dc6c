/**
 * The soak campaign's parts: the checker itself catches each broken promise, the outside-write snapshot
 * sees what changed, and the generator's manifests are valid and cover every job kind. The campaign
 * itself (a few seeds of `soak/run.mjs`, minutes long) is the slow tier's campaign.slow.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, root } from './node-child.js';

const cli = join(root, 'dist/cli.js');
// The .mjs modules of the campaign, imported by URL (they have no type declarations).
const load = (name: string): Promise<any> => import(pathToFileURL(join(root, 'soak', name)).href);

let dir: string;
beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dir = await mkdtemp(join(tmpdir(), 'pixrender-soak-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the invariant checker', () => {
  let server: Server;
  let origin: string;
  const served = Buffer.from('the video the API serves');
  beforeAll(async () => {
    server = createServer((req, res) => res.end(req.url === '/good.mp4' ? served : 'something else'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names each broken promise', async () => {
    const { checkInvariants } = await load('invariants.mjs');
    const project = join(dir, 'checker');
    await mkdir(join(project, 'out'), { recursive: true });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const manifestFile = join(project, 'm.yaml');
    const entry = (id: string, url: string, bytes: Buffer) => ({ videoId: `v-${id}`, url, output: `out/${id}.mp4`, sha256: sha(bytes), size: bytes.length });
    await writeFile(join(project, 'out/good.mp4'), served);
    await writeFile(join(project, 'out/twice.mp4'), served);
    await writeFile(join(project, 'out/bitrot.mp4'), 'flipped bits');
    const lock = { version: 1, jobs: { good: entry('good', `${origin}/good.mp4`, served), twice: entry('twice', `${origin}/good.mp4`, served), bitrot: entry('bitrot', `${origin}/good.mp4`, served) } };
    await writeFile(`${manifestFile}.lock`, JSON.stringify(lock));
    const plan = { jobs: ['good', 'twice', 'bitrot', 'lost'].map((id) => ({ id, credits: 10 })), totals: { credits: 40 } };
    const accepted = (id: string) => ({ video_id: `v-${id}`, endpoint: 'videos/create', replyRef: `pixrender:${id}@0123456789abcdef#1`, credits: 10 });
    const stats = { creditsSpent: 60, jobs: [accepted('good'), accepted('twice'), { ...accepted('twice'), video_id: 'v-twice-2' }, accepted('bitrot'), accepted('lost'), { video_id: 'x', endpoint: 'videos/create', credits: 10 }] };
    const found = await checkInvariants({ plan, stats, project, manifestFile, postOutputs: ['out/teaser.mp4'] });
    const names = found.map((v: { invariant: string; detail: string }) => `${v.invariant} ${v.detail.split(' ')[0]}`);
    expect(names).toEqual(
      expect.arrayContaining(['duplicate-submission twice', 'unplanned-submission videos/create', 'corrupt-output bitrot:', 'lost-output lost', 'lost-output post', 'overspend charged']),
    );
    expect(found.filter((v: { detail: string }) => v.detail.startsWith('good'))).toEqual([]);
    expect(found).toHaveLength(6);
  });
});

describe('the outside-write snapshot', () => {
  it('sees files added, changed and removed beside the project, and nothing inside it', async () => {
    const { snapshot, diffSnapshots } = await load('snapshot.mjs');
    const seedDir = join(dir, 'snap');
    await mkdir(join(seedDir, 'project'), { recursive: true });
    await mkdir(join(seedDir, 'tmp'), { recursive: true });
    await writeFile(join(seedDir, 'tmp', 'kept'), 'a');
    await writeFile(join(seedDir, 'tmp', 'gone'), 'a');
    const before = await snapshot(seedDir, ['project']);
    await writeFile(join(seedDir, 'project', 'inside.mp4'), 'fine');
    await writeFile(join(seedDir, 'tmp', 'kept'), 'longer');
    await rm(join(seedDir, 'tmp', 'gone'));
    await mkdir(join(seedDir, 'home', '.cache'), { recursive: true });
    await writeFile(join(seedDir, 'home', '.cache', 'leak'), 'x');
    expect((diffSnapshots(before, await snapshot(seedDir, ['project'])) as string[]).sort()).toEqual(
      ['added home/', 'added home/.cache/', 'added home/.cache/leak', 'changed tmp/kept', 'removed tmp/gone'].sort(),
    );
  });
});

describe('generated manifests', () => {
  it('validate, and cover every job kind, then-chains, matrices and post steps across 40 seeds', async () => {
    const { generateManifest } = await load('manifest.mjs');
    const { ensureAssets, copyAssets, ASSET_NAMES } = await load('assets.mjs');
    const project = join(dir, 'generated');
    await copyAssets(await ensureAssets(), project, ASSET_NAMES);
    const kinds = new Set<string>();
    const files: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const g = generateManifest(seed);
      expect(generateManifest(seed).yaml).toBe(g.yaml);
      for (const k of g.kinds) kinds.add(k);
      files.push(join(project, `s${seed}.yaml`));
      await writeFile(files.at(-1)!, g.yaml);
    }
    expect([...kinds].sort()).toEqual(['effect1', 'effect2', 'extend', 'frames', 'fusion', 'image', 'lipsync', 'matrix', 'post', 'restyle', 'speech', 'text', 'then', 'transition', 'upscale']);
    const { code, out } = await node([cli, 'validate', ...files], 60_000);
    expect(out).not.toMatch(/error\[/);
    expect(code).toBe(0);
  }, 90_000);
});
