/** The CLI on a project disk that refuses writes: one line naming the path and the cause, exit 2, no stack. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest } from '../render/helpers.js';
import { mounted, mountTmpfs, type Tmpfs } from './tmpfs.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const disk = await mountTmpfs('1m');
const fs: Tmpfs | undefined = mounted(disk) ? disk : undefined;
afterAll(() => fs?.unmount());

describe.runIf(fs)('pixrender render on a disk that refuses writes', () => {
  it('read-only: one line naming the state folder, exit 2', async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    const project = join(fs!.dir, 'p');
    await mkdir(project);
    await writeFile(join(project, 'project.yaml'), manifest('  one:\n    prompt: a shot\n'));
    fs!.readOnly();
    const r = spawnSync(process.execPath, [cli, 'render', 'project.yaml', '--backend', 'sim'], { cwd: project, env: { ...process.env, USEAPI_TOKEN: '' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`pixrender: cannot write in ${project}: the file system is read-only`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('internal error');
  });
});
