/** `pixrender models --refresh` through the real CLI: reads the lists now and caches them beside the project. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

it('models --refresh reads the effect, voice and restyle lists of the project\'s API and caches them', async () => {
  const sim = await startSimulator({ timeScale: 0, identify: false });
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-refresh-'));
  try {
    await writeFile(join(dir, '.pixrenderrc.json'), JSON.stringify({ apiUrl: sim.url }));
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [cli, 'models', '--refresh', '--json'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } }, (error, _out, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
    const ok = await run({ USEAPI_TOKEN: sim.token });
    expect(ok.stderr).toMatch(new RegExp(`^templates: \\d{3} effects, \\d+ voices, \\d+ restyle presets read from ${sim.url.replace(/[.]/g, '\\.')}, cached in \\.pixrender/templates\\.json$`, 'm'));
    expect(ok.code).toBe(0);
    const cache = JSON.parse(await readFile(join(dir, '.pixrender', 'templates.json'), 'utf8'));
    expect(cache.lists[sim.url].effects.length).toBeGreaterThan(300);
    expect(sim.stats().requests['GET videos/effects']).toBe(1);
    // Without a token the project renders on the embedded simulator, whose list needs no refresh.
    const noToken = await run({});
    expect(noToken.code).toBe(0);
    expect(noToken.stderr).toMatch(/^templates: \d{3} effects, .* \(the embedded simulator's list; nothing to refresh\)$/m);
    expect(sim.stats().requests['GET videos/effects']).toBe(1);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
