/**
 * A project folder pixrender cannot write to (its state folder or lock blocked by something else, an
 * output folder that cannot be created) is one clear line or a diagnostic and exit 2, before anything
 * is submitted; never exit 70 with a stack. Runs the built CLI (dist/cli.js).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const quickstart = fileURLToPath(new URL('../../examples/quickstart.yaml', import.meta.url));
let base: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  base = await mkdtemp(join(tmpdir(), 'pixrender-project-folder-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

function run(cwd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, USEAPI_TOKEN: '', CI: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err });
    });
  });
}

async function project(setup: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(base, 'p-'));
  await cp(quickstart, join(dir, 'quickstart.yaml'));
  await setup(dir);
  return dir;
}

function expectClean(r: { code: number | null; err: string }, name: string, pattern: RegExp): void {
  expect(r.err, name).toMatch(pattern);
  expect(r.err, name).not.toMatch(/\n\s+at |internal error/);
  expect(r.code, `${name}: ${r.err}`).toBe(2);
}

describe('a project folder pixrender cannot write to', () => {
  it('.pixrender is a file: render, status, plan and watch stop with one line', async () => {
    const dir = await project((d) => writeFile(join(d, '.pixrender'), 'not a folder'));
    const commands = [['render'], ['status'], ['plan'], ['watch', '--debounce', '10']];
    const results = await Promise.all(commands.map((c) => run(dir, [c[0]!, 'quickstart.yaml', ...c.slice(1)])));
    results.forEach((r, i) => expectClean(r, commands[i]![0]!, /^pixrender: .*\.pixrender/m));
  }, 120_000);

  it('the lock file is a folder: render and plan stop with one line', async () => {
    const dir = await project(async (d) => void (await mkdir(join(d, 'quickstart.yaml.lock'))));
    for (const command of ['render', 'plan']) expectClean(await run(dir, [command, 'quickstart.yaml']), command, /^pixrender: .*quickstart\.yaml\.lock/m);
  }, 120_000);

  it('a folder where the journal goes: render and status stop with one line', async () => {
    const dir = await project(async (d) => void (await mkdir(join(d, '.pixrender', 'quickstart.yaml.journal'), { recursive: true })));
    for (const command of ['render', 'status']) expectClean(await run(dir, [command, 'quickstart.yaml']), command, /^pixrender: cannot /m);
  }, 120_000);

  it('an output folder that cannot be created is a diagnostic before anything is submitted', async () => {
    const dir = await project((d) => writeFile(join(d, 'renders'), 'a file where the output folder goes'));
    const validate = await run(dir, ['validate', 'quickstart.yaml']);
    expectClean(validate, 'validate', /error\[output-unwritable\]/);
    const render = await run(dir, ['render', 'quickstart.yaml']);
    expectClean(render, 'render', /error\[output-unwritable\]/);
    expect(render.err + render.out).not.toMatch(/rendering|credits spent/);
  }, 120_000);
});
