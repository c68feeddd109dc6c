/**
 * `pixrender gallery` replaces only an index.html it wrote itself (the sha256 it recorded still
 * matches): a user's index.html in --out DIR or in an output folder that is `.` is refused with one
 * line and exit 2, untouched, as is one pixrender wrote and the user edited since; and gallery files
 * never go through a link that leads out of the project.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli } from '../cli/helpers.js';

const MANIFEST = (dir: string) => `version: 1\nname: g\ndefaults: { quality: 360p, duration: 5 }\noutput: { dir: ${dir} }\njobs:\n  a: { prompt: one shot }\n`;
const MINE = '<html>my own home page</html>\n';
let root: string;
beforeAll(() => {
  requireBuild();
  return mkdtemp(join(tmpdir(), 'pixrender-gallery-guard-')).then((r) => void (root = r));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function project(name: string, outputDir: string) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'g.yaml'), MANIFEST(outputDir));
  const r = runCli(dir, ['render', 'g.yaml', '--plain']);
  expect(r.code, r.err).toBe(0);
  return dir;
}

const refused = (r: { code: number | null; err: string }) => {
  expect(r.code, r.err).toBe(2);
  expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
};

describe('gallery writes only what is its own', () => {
  it('--out DIR with a user index.html: refused, untouched, nothing written there', async () => {
    const dir = await project('out-dir', 'renders');
    await mkdir(join(dir, 'site'));
    await writeFile(join(dir, 'site', 'index.html'), MINE);
    const r = runCli(dir, ['gallery', 'g.yaml', '--out', 'site']);
    refused(r);
    expect(r.err).toMatch(/gallery-overwrites.*index\.html/);
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toBe(MINE);
    expect(await readdir(join(dir, 'site'))).toEqual(['index.html']);
  });

  it('an output folder that is `.` with a user index.html: refused; `--out .` too', async () => {
    const dir = await project('dot', '.');
    await writeFile(join(dir, 'index.html'), MINE);
    refused(runCli(dir, ['gallery', 'g.yaml']));
    refused(runCli(dir, ['gallery', 'g.yaml', '--out', '.']));
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe(MINE);
  });

  it('its own page is written again; once the user edits it, it is theirs and refused', async () => {
    const dir = await project('own', 'renders');
    expect(runCli(dir, ['gallery', 'g.yaml']).code).toBe(0);
    const again = runCli(dir, ['gallery', 'g.yaml']);
    expect(again.code, again.err).toBe(0);
    await appendFile(join(dir, 'renders', 'index.html'), '<!-- my note -->');
    const edited = await readFile(join(dir, 'renders', 'index.html'), 'utf8');
    refused(runCli(dir, ['gallery', 'g.yaml']));
    expect(await readFile(join(dir, 'renders', 'index.html'), 'utf8')).toBe(edited);
  });

  it('an index.html that is a link, and a gallery-posters folder that leads out: refused, nothing written outside', async () => {
    const dir = await project('links', 'renders');
    const outside = join(root, 'links-outside');
    await mkdir(outside);
    await writeFile(join(outside, 'page.html'), MINE);
    await symlink(join(outside, 'page.html'), join(dir, 'renders', 'index.html'));
    refused(runCli(dir, ['gallery', 'g.yaml']));
    expect(await readFile(join(outside, 'page.html'), 'utf8')).toBe(MINE);
    await rm(join(dir, 'renders', 'index.html'));
    await mkdir(join(outside, 'posters'));
    await symlink(join(outside, 'posters'), join(dir, 'renders', 'gallery-posters'));
    const r = runCli(dir, ['gallery', 'g.yaml']);
    refused(r);
    expect(r.err).toMatch(/leads outside the project/);
    expect(await readdir(join(outside, 'posters'))).toEqual([]);
    expect(existsSync(join(dir, 'renders', 'index.html'))).toBe(false);
  });
});
