/**
 * A manifest with terminal control sequences in its strings (ESC [2J clears the screen, CR rewrites a
 * line, BEL rings) never gets them to the terminal raw: validate, plan, graph and render print them
 * escaped. Runs the built CLI (dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Control characters a terminal acts on; line breaks and tabs are allowed. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
let dir: string;

// Escapes in double quotes, and raw bytes in a plain scalar, in the lines diagnostics show.
const INVALID = [
  'version: 1',
  'jobs:',
  '  a:',
  '    prompt: "hi \\e[2J ${nope}"',
  '    model: "\\e[31mv9\\a"',
  '    image: "./\\e]0;title\\a.png"',
  '  b:',
  '    prompt: raw \x1b[2J here ${nope2}\r',
  '',
].join('\n');

const VALID = ['version: 1', 'defaults: { quality: 360p, duration: 5 }', 'jobs:', '  a:', '    prompt: "a lighthouse \\e[2J\\r\\a at dusk"', ''].join('\n');

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dir = await mkdtemp(join(tmpdir(), 'pixrender-escape-'));
  await writeFile(join(dir, 'bad.yaml'), INVALID);
  await writeFile(join(dir, 'good.yaml'), VALID);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, USEAPI_TOKEN: '', CI: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, all: r.stdout + r.stderr };
}

describe('control characters from a manifest', () => {
  it.each([['validate'], ['plan'], ['graph'], ['render']])('%s prints the diagnostics escaped', (command) => {
    const r = run([command, 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.all).toContain('unknown model "\\x1b[31mv9\\x07"');
    expect(r.all).toContain('raw \\x1b[2J here');
    expect(r.all).not.toMatch(RAW);
  });

  it('plan and render of a valid manifest with them in a prompt print nothing raw', () => {
    for (const command of ['plan', 'render']) {
      const r = run([command, 'good.yaml']);
      expect(r.code, r.all).toBe(0);
      expect(r.all, command).not.toMatch(RAW);
    }
  }, 120_000);
});
