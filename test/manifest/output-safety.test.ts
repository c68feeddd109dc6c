/**
 * Outputs named by a manifest stay inside the project (the manifest's folder) and never replace a file
 * the project depends on. Each problem is a diagnostic at the output field, with its code.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostic.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { LoadResult } from '../../src/manifest/index.js';
import { load } from './helpers.js';

const ASSETS = { '/proj/hero.png': 'png', '/proj/clip.mp4': 'mp4' };

function manifest(output: string, extra = ''): string {
  return `version: 1\nname: show\nassets:\n  hero: ./hero.png\n${extra}jobs:\n  intro:\n    image: hero\n    prompt: a lighthouse\n${output}`;
}

function placed(r: LoadResult, text: string): string[] {
  const index = new LineIndex(text);
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const { line, col } = index.position(d.location!.range.offset);
      return `${d.code} ${line}:${col}`;
    });
}

async function errorsOf(output: string, extra = '', options: Parameters<typeof load>[2] = {}): Promise<string[]> {
  const text = manifest(output, extra);
  return placed(await load(text, ASSETS, options), text);
}

describe('outputs stay inside the project', () => {
  it.each([
    ['..', 'output:\n  dir: ../elsewhere\n', 'output-outside 10:8'],
    ['nested ..', 'output:\n  dir: renders/../../elsewhere\n', 'output-outside 10:8'],
    ['absolute', 'output:\n  dir: /tmp/elsewhere\n', 'output-outside 10:8'],
    ['a variable that climbs', 'output:\n  dir: ${up}/x\n', 'output-outside 10:8'],
    ['a variable that is absolute', 'output:\n  dir: ${root}\n', 'output-outside 10:8'],
    ['file pattern that climbs', 'output:\n  file: "../../../{job}.mp4"\n', 'output-outside 10:9'],
    ['file pattern that is absolute', 'output:\n  file: "/etc/{job}.mp4"\n', 'output-outside 10:9'],
    ['backslashes', 'output:\n  dir: "..\\\\..\\\\x"\n', 'output-path 10:8'],
    ['a drive letter', 'output:\n  dir: "C:/Users/x"\n', 'output-path 10:8'],
    ['a UNC path', 'output:\n  dir: "\\\\\\\\server\\\\share"\n', 'output-path 10:8'],
    ['a NUL byte', 'output:\n  file: "{job}\\0.mp4"\n', 'output-path 10:9'],
    ['a control character', 'output:\n  file: "{job}\\e[2J.mp4"\n', 'output-path 10:9'],
  ])('%s', async (_what, output, expected) => {
    expect(await errorsOf(output, 'vars:\n  up: ../..\n  root: /var\n'.replace(/^/, ''))).toEqual([expected].map((e) => e.replace(/^(\S+) 10:/, '$1 13:')));
  });

  it('a post output that climbs out or is absolute', async () => {
    const post = 'post:\n  - concat: [intro]\n    output: ../../../teaser.mp4\n  - contactSheet: all\n    output: /tmp/sheet.png\n';
    expect(await errorsOf(post)).toEqual(['output-outside 11:13', 'output-outside 13:13']);
  });

  it('a folder inside the project, and the project folder itself, are fine', async () => {
    expect(await errorsOf('output:\n  dir: renders/../out\n')).toEqual([]);
    expect(await errorsOf('output:\n  dir: .\n')).toEqual([]);
  });

  it('an outside folder named by the project config is allowed (the config is trusted)', async () => {
    expect(await errorsOf('', '', { config: { outputDir: '/shared/renders/${name}' } })).toEqual([]);
    expect(await errorsOf('', '', { config: { outputDir: '../shared/${name}' } })).toEqual([]);
  });

  it('the same outside folder written in the manifest is not', async () => {
    expect(await errorsOf('output:\n  dir: /shared/renders\n', '', { config: { outputDir: '/shared/renders' } })).toEqual(['output-outside 10:8']);
  });

  it('under an outside config folder, a file pattern or post output may still not climb out of it', async () => {
    const r = await errorsOf('output:\n  file: "../../{job}.mp4"\n', '', { config: { outputDir: '/shared/renders' } });
    expect(r).toEqual(['output-outside 10:9']);
  });
});

describe('outputs never replace a file the project depends on', () => {
  it('the manifest itself (output {dir: ".", file: "{job}.yaml"} with a job named like the file)', async () => {
    const text = 'version: 1\njobs:\n  show:\n    prompt: p\noutput: { dir: ".", file: "{job}.yaml" }\n';
    expect(placed(await load(text), text)).toEqual(['output-overwrites 5:27']);
  });

  it.each([
    ['its lock', 'show.yaml.lock', 'output-overwrites'],
    ['the journal', '.pixrender/show.yaml.journal', 'output-overwrites'],
    ['anything under .pixrender', '.pixrender/aside/x.mp4', 'output-overwrites'],
    ['package.json', 'package.json', 'output-overwrites'],
    ['a project config', 'pixrender.config.yaml', 'output-overwrites'],
    ['an rc file in a subfolder', 'sub/.pixrenderrc', 'output-overwrites'],
  ])('%s', async (_what, file) => {
    const text = `version: 1\njobs:\n  intro:\n    prompt: p\npost:\n  - concat: [intro]\n    output: "${file}"\n`;
    const codes = placed(await load(text, {}, { config: { outputDir: '.' } }), text);
    expect(codes).toContain('output-overwrites 7:13');
  });

  it('a local asset a job uses', async () => {
    const text = 'version: 1\nassets:\n  clip: ./intro.mp4\njobs:\n  intro:\n    prompt: p\n  cut:\n    extend: clip\noutput: { dir: "." }\n';
    expect(placed(await load(text, { '/proj/intro.mp4': 'mp4' }), text)).toEqual(['output-overwrites 9:16']);
  });

  it('a file named inline as an input', async () => {
    const text = 'version: 1\njobs:\n  hero:\n    prompt: p\n  move:\n    image: ./hero.png\n    prompt: q\noutput: { dir: ".", file: "{job}.png" }\npost:\n  - contactSheet: all\n    output: hero.png\n';
    const codes = placed(await load(text, { '/proj/hero.png': 'png' }), text);
    expect(codes).toContain('output-overwrites 11:13');
  });

  it('a job output that is not an .mp4 is refused', async () => {
    const text = 'version: 1\njobs:\n  intro:\n    prompt: p\noutput: { file: "{job}.json" }\n';
    expect(placed(await load(text), text)).toEqual(['output-type 5:17']);
  });

  it('two jobs writing one file are still a duplicate-output', async () => {
    const text = 'version: 1\njobs:\n  v:\n    prompt: p\n    matrix:\n      k: ["a b", "a-b"]\n';
    const r = await load(text);
    expect(r.diagnostics.map((d) => d.code)).toContain('duplicate-output');
  });
});

describe('file names from job ids and matrix values', () => {
  it('matrix values with slashes, dots and control characters become safe file names', async () => {
    const text = 'version: 1\njobs:\n  v:\n    prompt: p ${k}\n    matrix:\n      k: ["a/b", "..", "x\\ty"]\n';
    const r = await load(text);
    // A control character cannot be part of a job id; the others are made file-safe.
    expect(placed(r, text)).toEqual(['matrix-value 6:24']);
    const ok = await load('version: 1\njobs:\n  v:\n    prompt: p ${k}\n    matrix:\n      k: ["a/b", "..", "../x"]\n');
    expect(ok.manifest!.jobs.map((j) => j.output)).toEqual(['renders/show/v.k-a-b.mp4', 'renders/show/v.k-...mp4', 'renders/show/v.k-..-x.mp4']);
  });
});

describe('symlinked folders that lead out', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pixrender-outputs-'));
    await mkdir(join(root, 'proj'));
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(root, 'proj', 'renders'));
    await mkdir(join(root, 'proj', 'inner'));
    await symlink(join(root, 'proj', 'inner'), join(root, 'proj', 'linked'));
    await writeFile(join(root, 'outside', 'secret.mp4'), 'x');
    await mkdir(join(root, 'proj', 'out'));
    await symlink(join(root, 'outside', 'secret.mp4'), join(root, 'proj', 'out', 'intro.mp4'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function check(output: string): Promise<string[]> {
    const file = join(root, 'proj', 'show.yaml');
    const text = `version: 1\njobs:\n  intro:\n    prompt: p\n${output}`;
    await writeFile(file, text);
    return placed(await loadManifest(file), text);
  }

  it('an output folder that is a symlink to outside the project', async () => {
    expect(await check('output:\n  dir: renders/x\n')).toEqual(['output-outside 6:8']);
  });

  it('the default folder renders/${name} through that symlink', async () => {
    expect(await check('')).toEqual(['output-outside 3:3']);
  });

  it('an output file that is a symlink to outside', async () => {
    expect(await check('output:\n  dir: out\n')).toEqual(['output-outside 6:8']);
  });

  it('a symlink that stays inside the project is fine', async () => {
    expect(await check('output:\n  dir: linked/x\n')).toEqual([]);
  });
});
