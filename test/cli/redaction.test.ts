/**
 * A token pasted where it does not belong (a config value, a manifest, a URL flag) never reaches the
 * terminal: every printer of a source line or a URL masks it, in every diagnostic format.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskSecrets, shownUrl } from '../../src/redact.js';
import { cliPath, requireBuild } from './helpers.js';

const PASTED = 'user:4321-pastedsecretabcdefgh';
const ENV_TOKEN = 'envsecret-0123456789abc';
const MANIFEST = 'version: 1\nname: r\ndefaults:\n  model: v6\n  quality: 360p\n  duration: 5\njobs:\n  a:\n    prompt: A lighthouse\n';
let dir: string;
beforeEach(async () => {
  requireBuild();
  dir = await mkdtemp(join(tmpdir(), 'pixrender-redact-'));
  await writeFile(join(dir, 'm.yaml'), MANIFEST);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: dir, env: { ...process.env, USEAPI_TOKEN: '', NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, all: r.stdout + r.stderr };
};

describe('a token in a config', () => {
  it.each([
    ['as tokenEnv', `tokenEnv: ${PASTED}\nbackend: nope\n`, true],
    ['as an unknown key', `backend: sim\ntoken: ${PASTED}\n`, true],
    ['in a broken line', `backend: sim\n  token: ${PASTED}\n`, false],
  ])('%s is masked in every format', async (_what, config, lineShown) => {
    await writeFile(join(dir, 'pixrender.config.yaml'), config);
    for (const format of ['text', 'json', 'github']) {
      const r = run(['validate', 'm.yaml', '--format', format]);
      expect(r.code, r.all).toBe(2);
      expect(r.all).not.toContain('pastedsecret');
    }
    const plain = run(['validate', 'm.yaml']).all;
    expect(plain).toMatch(/pixrender\.config\.yaml:\d+:\d+/);
    if (lineShown) expect(plain).toContain('user:4321-***');
  });

  it('the token of $USEAPI_TOKEN is masked even when it is not token-shaped', async () => {
    await writeFile(join(dir, 'pixrender.config.yaml'), `backend: sim\napikey: ${ENV_TOKEN}\n`);
    const r = run(['validate', 'm.yaml'], { USEAPI_TOKEN: ENV_TOKEN });
    expect(r.code).toBe(2);
    expect(r.all).toContain('apikey');
    expect(r.all).not.toContain('0123456789abc');
  });
});

describe('a token in a manifest line', () => {
  it('is masked in the source line of a diagnostic', async () => {
    await writeFile(join(dir, 'm.yaml'), MANIFEST.replace('    prompt: A lighthouse\n', `    prompt: A lighthouse\n    token: ${PASTED}\n`));
    const r = run(['validate', 'm.yaml']);
    expect(r.code, r.all).toBe(2);
    expect(r.all).toContain('token');
    expect(r.all).not.toContain('pastedsecret');
  });
});

describe('the one masking function', () => {
  it('masks tokens, their secret part, URL credentials and queries, and leaves video ids alone', () => {
    expect(maskSecrets(`a ${PASTED} b`)).toBe('a user:4321-*** b');
    expect(maskSecrets('x abcdefghijkl y', ['user:1-abcdefghijkl'])).toBe('x *** y');
    const video = 'user:1234-pixverse:render01@example.com-video:391204877615232';
    expect(maskSecrets(video)).toBe(video);
    expect(shownUrl(`https://me:${ENV_TOKEN}@host.example/v2?token=${ENV_TOKEN}`, [])).toBe('https://***@host.example/v2');
    expect(shownUrl(`notaurl-${ENV_TOKEN}`, [ENV_TOKEN])).toBe('notaurl-***');
  });
});
