/** The freshness check of the global setup: a build older than any of its inputs is named, one line. */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_INPUTS, BUILD_OUTPUT, staleBuild } from './build-freshness.js';

let root: string;
const at = (path: string, seconds: number) => utimes(join(root, path), seconds, seconds);
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pixrender-freshness-'));
  await mkdir(join(root, 'src/deep/er'), { recursive: true });
  await mkdir(join(root, 'dist'), { recursive: true });
  await writeFile(join(root, 'src/deep/er/a.ts'), '');
  await writeFile(join(root, 'src/b.ts'), '');
  await at('src/deep/er/a.ts', 1000);
  await at('src/b.ts', 1000);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('staleBuild', () => {
  it('names a missing build', () => {
    expect(staleBuild(root)).toBe(`${BUILD_OUTPUT} is missing`);
  });

  it('is fresh when the build is newer than every input', async () => {
    await writeFile(join(root, BUILD_OUTPUT), '');
    await at(BUILD_OUTPUT, 2000);
    expect(staleBuild(root)).toBeUndefined();
  });

  it('names a source edited after the build, however deep', async () => {
    await writeFile(join(root, BUILD_OUTPUT), '');
    await at(BUILD_OUTPUT, 2000);
    await at('src/deep/er/a.ts', 3000);
    expect(staleBuild(root)).toBe(`src/deep/er/a.ts is newer than ${BUILD_OUTPUT}`);
  });

  it.each(BUILD_INPUTS.filter((i) => i !== 'src'))('names %s edited after the build', async (input) => {
    await writeFile(join(root, BUILD_OUTPUT), '');
    await at(BUILD_OUTPUT, 2000);
    const file = input.includes('.') ? input : join(input, 'x.json');
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), '');
    await at(file, 3000);
    expect(staleBuild(root)).toBe(`${file} is newer than ${BUILD_OUTPUT}`);
  });
});
