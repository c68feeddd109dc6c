/**
 * `clean` removes a file only with proof that pixrender wrote exactly those bytes: the sha256 it
 * recorded when it wrote them (the lock for job renders, .pixrender/<manifest>.written.json for post
 * outputs, renders kept aside and the gallery page), checked again right before the file goes. A
 * claims-file entry is never proof, a post output edited by hand is kept, and a hand-placed file in
 * .pixrender/aside/ is kept.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyClean, planClean } from '../../src/clean.js';
import { loadProject } from '../../src/pipeline.js';
import { readStateSnapshot } from '../../src/state/file-store.js';
import { requireBuild, runCli } from './helpers.js';

const POST = `post:
  - contactSheet: all
    output: sheet-edited.jpg
  - contactSheet: all
    output: sheet-kept-as-is.jpg
`;
let root: string;
let dir: string;
const out = () => join(dir, 'renders', 'first-video');
beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pixrender-clean-proof-'));
  expect(runCli(root, ['init', 'p']).code).toBe(0);
  dir = join(root, 'p');
  const manifest = await readFile(join(dir, 'video.yaml'), 'utf8');
  await writeFile(join(dir, 'video.yaml'), `${manifest}\n${POST}`);
  const r = runCli(dir, ['render', 'video.yaml', '--plain']);
  expect(r.code, r.err + r.out).toBe(0);
  expect(existsSync(join(out(), 'sheet-edited.jpg'))).toBe(true);
  // The post steps are dropped from the manifest: their outputs are what clean may take.
  await writeFile(join(dir, 'video.yaml'), manifest);
}, 180_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('clean needs proof', () => {
  it('keeps a post output changed since pixrender wrote it, a file named only by a hand-edited claims file and a hand-placed aside copy; removes the untouched post output', async () => {
    await appendFile(join(out(), 'sheet-edited.jpg'), 'my retouch');
    // Hand-edited claims: this manifest "owns" the user's files.
    const claimsFile = join(out(), '.pixrender-claims.json');
    const claims = JSON.parse(await readFile(claimsFile, 'utf8')) as { files: Record<string, string> };
    const owner = claims.files['opening.mp4']!;
    await writeFile(join(out(), 'notes.txt'), 'my notes\n');
    await writeFile(join(out(), 'mine.mp4'), 'my own clip\n');
    claims.files['notes.txt'] = owner;
    claims.files['mine.mp4'] = owner;
    await writeFile(claimsFile, JSON.stringify(claims, null, 2));
    await mkdir(join(dir, '.pixrender', 'aside'), { recursive: true });
    await writeFile(join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'), 'placed by hand');

    // The gallery page is recorded too, but it is not a render: clean leaves it.
    expect(runCli(dir, ['gallery', 'video.yaml']).code).toBe(0);
    const r = runCli(dir, ['clean', 'video.yaml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('removed renders/first-video/sheet-kept-as-is.jpg');
    expect(existsSync(join(out(), 'index.html'))).toBe(true);
    expect(r.out).toContain('kept renders/first-video/sheet-edited.jpg: changed since pixrender wrote it');
    expect(existsSync(join(out(), 'sheet-kept-as-is.jpg'))).toBe(false);
    expect(existsSync(join(out(), 'sheet-edited.jpg'))).toBe(true);
    expect(await readFile(join(out(), 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(await readFile(join(out(), 'mine.mp4'), 'utf8')).toBe('my own clip\n');
    expect(await readFile(join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'), 'utf8')).toBe('placed by hand');
    expect(r.out).toContain('kept .pixrender/aside/night@0123456789ab.mp4: no record that pixrender wrote it');
    expect(existsSync(join(out(), 'opening.mp4'))).toBe(true);
    expect(existsSync(join(out(), 'night.mp4'))).toBe(true);
  });

  it('a file changed between the plan and the removal is kept (the hash is checked again right before)', async () => {
    const manifest = await readFile(join(dir, 'video.yaml'), 'utf8');
    await writeFile(join(dir, 'video.yaml'), manifest.slice(0, manifest.indexOf('  night:')));
    try {
      const loaded = await loadProject(join(dir, 'video.yaml'));
      if (!loaded.ok) throw new Error('the manifest should load');
      const { lock } = await readStateSnapshot(join(dir, 'video.yaml'));
      const plan = await planClean(loaded.graph.manifest, lock, [join(dir, 'video.yaml')]);
      expect(plan.remove.map((i) => i.path)).toContain(join(out(), 'night.mp4'));
      await appendFile(join(out(), 'night.mp4'), 'changed after the plan');
      const removed = await applyClean(plan);
      expect(removed.map((i) => i.path)).not.toContain(join(out(), 'night.mp4'));
      expect(existsSync(join(out(), 'night.mp4'))).toBe(true);
    } finally {
      await writeFile(join(dir, 'video.yaml'), manifest);
    }
  });
});
