/**
 * No ffmpeg anywhere (none on PATH, the optional @ffmpeg-installer/ffmpeg not installed): commands that
 * need no media still work, and the first one that does gets one line naming both ways to get ffmpeg.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'pixrender-noffmpeg-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

// An install made with --omit=optional: every dependency but the ffmpeg installer.
beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  for (const item of ['package.json', 'dist', 'schemas', 'catalog', 'examples']) cpSync(join(root, item), join(copy, item), { recursive: true });
  mkdirSync(join(copy, 'node_modules'));
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === '@ffmpeg-installer' || name.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', name), join(copy, 'node_modules', name));
  }
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: copy, env: { HOME: copy, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const probe = `import { runFfmpeg } from './dist/ffmpeg.js';
runFfmpeg(['-version']).then(() => console.log('ran'), (e) => console.log(JSON.stringify({ name: e.name, kind: e.kind, message: e.message })));`;

describe('ffmpeg missing', () => {
  it('names the system package and the npm package in one line', async () => {
    const { stdout } = await run(['--input-type=module', '-e', probe], { PATH: '' });
    const error = JSON.parse(stdout) as { name: string; kind: string; message: string };
    expect(error).toMatchObject({ name: 'FfmpegError', kind: 'missing' });
    expect(error.message).toContain('install ffmpeg on your PATH');
    expect(error.message).toContain('npm install @ffmpeg-installer/ffmpeg');
    expect(error.message).not.toContain('\n');
  }, 60_000);

  it('reports a PIXRENDER_FFMPEG that points nowhere instead of running something else', async () => {
    const { stdout } = await run(['--input-type=module', '-e', probe], { PATH: process.env.PATH ?? '', PIXRENDER_FFMPEG: join(copy, 'no-such-ffmpeg') });
    const error = JSON.parse(stdout) as { kind: string; message: string };
    expect(error.kind).toBe('missing');
    expect(error.message).toContain('PIXRENDER_FFMPEG is');
    expect(error.message).toContain('npm install @ffmpeg-installer/ffmpeg');
  }, 60_000);

  it('lets commands that need no ffmpeg run without it', async () => {
    const result = await run(['dist/cli.js', 'validate', 'examples/quickstart.yaml'], { PATH: '' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok');
  }, 60_000);
});
