/**
 * Exit codes that say what happened: `render --no-wait` over a chain of any depth exits 0 (jobs waiting for
 * jobs still rendering are not failures), and a post step that needs a job `--only` left out is skipped by
 * the selection (said so, exit 0), not reported as a failure.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const chain = (depth: number, name: string) =>
  ['version: 1', `name: ${name}`, 'defaults:', '  quality: 360p', 'jobs:', '  j1:', '    prompt: A rainy street']
    .concat(Array.from({ length: depth - 1 }, (_, i) => `  j${i + 2}:\n    extend: j${i + 1}\n    prompt: Shot ${i + 2}`))
    .concat(['  other:', '    prompt: A quiet square', 'post:', `  - concat: [j2, other]`, '    output: story.mp4'])
    .join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-chain-exit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('exit codes over chains and selections', () => {
  it.each([2, 3, 5])('render --no-wait on a chain %i jobs deep exits 0, nothing reported failed', async (depth) => {
    const file = `chain${depth}.yaml`;
    await writeFile(join(dir, file), chain(depth, `chain${depth}`));
    const render = await runCli(dir, ['render', file, '--no-wait', '--time-scale', '0.01'], { CI: '1' });
    expect(render.code, render.err + render.out).toBe(0);
    expect(render.out).not.toMatch(/✖|did not finish|failed/);
    expect(render.out).toMatch(new RegExp(`${depth - 1} waiting`));
  });

  it('render --only on a job whose post step also needs a left-out job: the step is skipped by the selection, exit 0', async () => {
    await writeFile(join(dir, 'sel.yaml'), chain(2, 'sel'));
    const full = await runCli(dir, ['render', 'sel.yaml', '--time-scale', '0.01'], { CI: '1' });
    expect(full.code, full.err + full.out).toBe(0);
    await unlink(join(dir, 'renders', 'sel', 'story.mp4'));
    await unlink(join(dir, 'renders', 'sel', 'other.mp4'));
    const only = await runCli(dir, ['render', 'sel.yaml', '--only', 'j2', '--time-scale', '0.01'], { CI: '1' });
    expect(only.code, only.err + only.out).toBe(0);
    expect(only.out).not.toMatch(/✖/);
    expect(only.out).toMatch(/concat → renders\/sel\/story\.mp4: skipped, it also needs other, which the selection left out/);
  });
});
