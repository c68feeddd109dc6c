/** Bad input and broken surroundings end with one clear line and a documented exit code, never a stack. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const quickstart = fileURLToPath(new URL('../../examples/quickstart.yaml', import.meta.url));
let dir: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dir = await mkdtemp(join(tmpdir(), 'pixrender-cli-'));
  await cp(quickstart, join(dir, 'quickstart.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, USEAPI_TOKEN: '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('CLI errors', () => {
  it('a missing manifest is a diagnostic, exit 2', () => {
    const r = run(['render', 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[file-not-found]');
  });

  it('an unknown command or flag is a usage error, exit 2', () => {
    expect(run(['frobnicate']).code).toBe(2);
    const r = run(['plan', 'quickstart.yaml', '--nope']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown option '--nope'");
  });

  it('an unreachable API is one line without a stack or the token, exit 1', () => {
    const r = run(['render', 'quickstart.yaml', '--api-url', 'http://127.0.0.1:9/v2/pixverse'], { USEAPI_TOKEN: 'user:99-topsecretvalue' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^pixrender: the API call failed: .*ECONNREFUSED/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err + r.out).not.toContain('topsecretvalue');
  });

  it('a damaged journal is reported with its file and line, exit 2, and nothing is submitted', async () => {
    await mkdir(join(dir, '.pixrender'), { recursive: true });
    await writeFile(join(dir, '.pixrender', 'quickstart.yaml.journal'), 'garbage\n{"type":"upload","sha256":"x","path":"p","at":"t"}\n');
    const r = run(['render', 'quickstart.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/quickstart\.yaml\.journal is damaged: line 1/);
    expect(existsSync(join(dir, 'quickstart.yaml.lock'))).toBe(false);
    await rm(join(dir, '.pixrender'), { recursive: true });
  });

  it('--help of every command is printed, exit 0', () => {
    for (const command of ['render', 'plan', 'validate', 'graph', 'status', 'watch', 'models', 'sim']) {
      const r = run([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.out, command).toMatch(new RegExp(`^Usage: pixrender ${command}`));
    }
  });
});
