/** `pixrender init` and `pixrender clean` on real folders, with the hostile layouts clean must refuse. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWritten } from '../../src/state/written.js';
import { repoRoot, requireBuild, runCli } from './helpers.js';

let root: string;
beforeAll(async () => {
  requireBuild();
  root = await mkdtemp(join(tmpdir(), 'pixrender-init-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('init', () => {
  it('writes a project whose manifest validates and whose $schema resolves once pixrender is installed', async () => {
    const dir = join(root, 'fresh');
    const r = runCli(root, ['init', 'fresh']);
    expect(r.code, r.err).toBe(0);
    for (const name of ['video.yaml', 'pixrender.config.yaml', '.gitignore', '.gitattributes']) expect(r.out).toContain(`wrote ${join('fresh', name)}`);
    const v = runCli(dir, ['validate', 'video.yaml']);
    expect(v.code, v.err).toBe(0);
    expect(v.err).toBe('');
    // What `npm install pixrender` puts there: the package's published files.
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await symlink(repoRoot, join(dir, 'node_modules', 'pixrender'));
    for (const file of ['video.yaml', 'pixrender.config.yaml']) {
      const ref = /\$schema=(\S+)/.exec(await readFile(join(dir, file), 'utf8'))?.[1];
      expect(ref, file).toMatch(/^node_modules\/pixrender\/schemas\/(manifest|config)\.schema\.json$/);
      const schema = JSON.parse(await readFile(resolve(dir, ref!), 'utf8')) as { $id: string };
      expect(schema.$id).toMatch(/\.schema\.json$/);
    }
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas/*.json');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.pixrender\/$/m);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toMatch(/^renders\/$/m);
    expect(await readFile(join(dir, '.gitattributes'), 'utf8')).toMatch(/^\*\.yaml\.lock merge=pixrender$/m);
  });

  it('never overwrites a file that exists, and says which it kept', async () => {
    const dir = join(root, 'existing');
    await mkdir(dir);
    await writeFile(join(dir, '.gitignore'), 'node_modules/\n');
    await writeFile(join(dir, 'video.yaml'), 'my own\n');
    const r = runCli(dir, ['init']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kept .gitignore (it exists; not changed)');
    expect(r.out).toContain('kept video.yaml (it exists; not changed)');
    expect(r.out).toContain('wrote .gitattributes');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n');
    expect(await readFile(join(dir, 'video.yaml'), 'utf8')).toBe('my own\n');
  });
});

describe('clean', () => {
  it('removes renders the manifest no longer names, recorded set-aside copies and previews, and nothing else', async () => {
    const dir = join(root, 'clean');
    const outside = join(root, 'outside');
    await mkdir(outside, { recursive: true });
    expect(runCli(root, ['init', 'clean']).code).toBe(0);
    const render = runCli(dir, ['render', 'video.yaml', '--plain']);
    expect(render.code, render.err).toBe(0);
    const out = join(dir, 'renders', 'first-video');
    expect(existsSync(join(out, 'night.mp4'))).toBe(true);

    // The job `night` is gone from the manifest.
    const manifest = await readFile(join(dir, 'video.yaml'), 'utf8');
    await writeFile(join(dir, 'video.yaml'), manifest.slice(0, manifest.indexOf('  night:')));

    // Hostile lock entries, each with the sha256 of the file it names, so only the path rules keep them.
    const lockFile = join(dir, 'video.yaml.lock');
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as { jobs: Record<string, Record<string, unknown>> };
    const template = lock.jobs['night']!;
    const secret = 'not a render\n';
    await writeFile(join(outside, 'secret.mp4'), secret);
    await mkdir(join(dir, 'renders', 'mine'), { recursive: true });
    await symlink(join(outside, 'secret.mp4'), join(dir, 'renders', 'mine', 'link.mp4'));
    await symlink(outside, join(dir, 'renders', 'escape'));
    await writeFile(join(out, 'edited.mp4'), 'edited by hand\n');
    const entry = (output: string, text: string) => ({ ...template, output, sha256: sha(text), size: Buffer.byteLength(text) });
    lock.jobs['escapes'] = entry('../outside/secret.mp4', secret);
    lock.jobs['self'] = entry('video.yaml', await readFile(join(dir, 'video.yaml'), 'utf8'));
    lock.jobs['config'] = entry('pixrender.config.yaml', await readFile(join(dir, 'pixrender.config.yaml'), 'utf8'));
    lock.jobs['link'] = entry('renders/mine/link.mp4', secret);
    lock.jobs['via-link'] = entry('renders/escape/secret.mp4', secret);
    lock.jobs['edited'] = entry('renders/first-video/edited.mp4', 'what pixrender wrote\n');
    await writeFile(lockFile, JSON.stringify(lock, null, 2));

    // Set-aside copies (one a link to a file outside) and a preview that is a link to a folder outside.
    await mkdir(join(dir, '.pixrender', 'aside'), { recursive: true });
    await writeFile(join(dir, '.pixrender', 'aside', 'night@abc.mp4'), 'old');
    // One copy pixrender recorded writing (as a render kept aside is), one placed by hand.
    await writeFile(join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'), 'kept aside');
    await recordWritten(join(dir, 'video.yaml'), join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'), { sha256: sha('kept aside'), kind: 'aside' });
    await symlink(join(outside, 'secret.mp4'), join(dir, '.pixrender', 'aside', 'link.mp4'));
    await mkdir(join(outside, 'previews'));
    await writeFile(join(outside, 'previews', 'p.mp4'), 'x');
    await symlink(join(outside, 'previews'), join(dir, '.pixrender', 'preview'));

    const dry = runCli(dir, ['clean', 'video.yaml', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('would remove renders/first-video/night.mp4: render of night, no longer in the manifest');
    expect(dry.out).toContain('would remove .pixrender/aside/night@0123456789ab.mp4: a copy of a superseded render');
    expect(existsSync(join(out, 'night.mp4'))).toBe(true);
    expect(existsSync(join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'))).toBe(true);

    const r = runCli(dir, ['clean', 'video.yaml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('removed renders/first-video/night.mp4');
    expect(r.out).toMatch(/kept \.\.\/outside\/secret\.mp4: outside the project/);
    expect(r.out).toContain('kept video.yaml: a file of the project (manifest, lock or config)');
    expect(r.out).toContain('kept pixrender.config.yaml: a file of the project');
    expect(r.out).toContain('kept renders/mine/link.mp4: a symbolic link, not a render');
    expect(r.out).toContain('kept renders/escape/secret.mp4: its folder leads outside the project');
    expect(r.out).toContain('kept renders/first-video/edited.mp4: changed since pixrender wrote it');
    expect(r.out).toContain('kept .pixrender/preview: not a folder pixrender made');
    expect(r.out).toContain('kept .pixrender/aside/night@abc.mp4: no record that pixrender wrote it');
    expect(r.out).toContain('kept .pixrender/aside/link.mp4: a symbolic link, not a render');

    expect(existsSync(join(out, 'night.mp4'))).toBe(false);
    expect(existsSync(join(out, 'opening.mp4'))).toBe(true);
    expect(existsSync(join(out, 'edited.mp4'))).toBe(true);
    expect(existsSync(join(dir, 'video.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'pixrender.config.yaml'))).toBe(true);
    expect(existsSync(join(dir, '.pixrender', 'aside', 'night@0123456789ab.mp4'))).toBe(false);
    expect(await readFile(join(dir, '.pixrender', 'aside', 'night@abc.mp4'), 'utf8')).toBe('old');
    expect(await readFile(join(outside, 'secret.mp4'), 'utf8')).toBe(secret);
    expect(existsSync(join(outside, 'previews', 'p.mp4'))).toBe(true);
    expect(existsSync(join(dir, 'renders', 'mine', 'link.mp4'))).toBe(true);

    // The remaining job is still cached: clean took nothing the manifest uses.
    expect(runCli(dir, ['plan', 'video.yaml']).out).toMatch(/1 job: 0 to render, 1 cached/);
    expect(runCli(dir, ['clean', 'video.yaml']).out).toContain('nothing to remove');
    expect(dirname(out)).toBe(join(dir, 'renders'));
  });

  it('refuses an invalid manifest (it cannot tell which outputs are still used)', async () => {
    const dir = join(root, 'invalid');
    await mkdir(dir);
    await writeFile(join(dir, 'bad.yaml'), 'version: 1\njobs:\n  a: {}\n');
    const r = runCli(dir, ['clean', 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('clean needs a valid manifest');
  });
});
