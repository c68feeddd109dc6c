/**
 * A broken project config is a FILE:LINE:COL diagnostic (or one clear line) and exit 2 in every
 * command that reads it, never a stack trace or exit 70. Runs the built CLI (dist/cli.js).
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
  base = await mkdtemp(join(tmpdir(), 'pixrender-config-errors-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the CLI; a command that does not end in 60 s is killed (and fails the test). */
function run(cwd: string, args: string[]): Promise<Ran> {
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

const COMMANDS: string[][] = [
  ['validate', 'quickstart.yaml'],
  ['plan', 'quickstart.yaml'],
  ['render', 'quickstart.yaml'],
  ['status', 'quickstart.yaml'],
  ['graph', 'quickstart.yaml'],
  ['watch', 'quickstart.yaml', '--debounce', '10'],
  ['models'],
];

async function project(files: Record<string, string | null>): Promise<string> {
  const dir = await mkdtemp(join(base, 'p-'));
  await cp(quickstart, join(dir, 'quickstart.yaml'));
  for (const [name, content] of Object.entries(files)) {
    if (content === null) await mkdir(join(dir, name), { recursive: true });
    else await writeFile(join(dir, name), content);
  }
  return dir;
}

async function expectEverywhere(files: Record<string, string | null>, diagnostic: RegExp): Promise<void> {
  const dir = await project(files);
  const results = await Promise.all(COMMANDS.map((args) => run(dir, args)));
  results.forEach((r, i) => {
    const name = COMMANDS[i]![0]!;
    expect(r.err, name).toMatch(diagnostic);
    expect(r.err, name).not.toMatch(/\n\s+at |internal error/);
    expect(r.code, `${name}: ${r.err}`).toBe(2);
  });
  // Nothing was rendered under a broken config.
  expect(existsSync(join(dir, 'quickstart.yaml.lock'))).toBe(false);
}

describe('project config problems, in every command', () => {
  it('invalid JSON in package.json', async () => {
    await expectEverywhere({ 'package.json': '{\n  "name": "x",\n  "pixrender": { "backend": "sim" ,, }\n}\n' }, /^package\.json:3:\d+ error\[config-syntax\]/m);
  }, 180_000);

  it('a YAML error in .pixrenderrc', async () => {
    await expectEverywhere({ '.pixrenderrc': 'backend: sim\ndefaults: [\n  quality: 720p\n' }, /^\.pixrenderrc:\d+:\d+ error\[config-syntax\]/m);
  }, 180_000);

  it('a YAML error in pixrender.config.yaml', async () => {
    await expectEverywhere({ 'pixrender.config.yaml': 'backend: sim\n  tokenEnv: X\n' }, /^pixrender\.config\.yaml:\d+:\d+ error\[config-syntax\]/m);
  }, 180_000);

  it('a schema error keeps its line and column in every command', async () => {
    await expectEverywhere({ 'pixrender.config.yaml': 'defaults:\n  quality: 720p\nbackend: nope\n' }, /^pixrender\.config\.yaml:3:10 error\[schema\] backend must be one of/m);
  }, 180_000);

  it('a folder where the config file is expected', async () => {
    await expectEverywhere({ 'pixrender.config.yaml': null }, /error\[config-unreadable\] .*pixrender\.config\.yaml/);
  }, 180_000);
});
