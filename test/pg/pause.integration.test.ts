// A runner stopped (SIGSTOP) between its intent and its POST, for longer than its lease: another runner
// takes the job over, finds nothing at the API and submits it. When the stopped runner wakes it must not
// POST (its claim is fenced and its deadline has passed): it waits for the new holder's result, downloads
// that video and writes the same lock, byte for byte.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const preload = fileURLToPath(new URL('./stop-after-intent.mjs', import.meta.url));
const missing = postgresMissing();
if (missing) console.warn(`skipping the paused-runner test: ${missing}`);

const TIME_SCALE = 0.02;
const manifest = ['version: 1', 'name: paused', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:', '  clip:', '    prompt: "A lantern drifting on a lake"', '    seed: 7'].join('\n');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

/** Whether the process is stopped (state T in /proc). */
async function isStopped(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return / T /.test(stat.slice(stat.lastIndexOf(')')));
}

describe.skipIf(missing !== undefined || process.platform !== 'linux')('a runner paused between its intent and its POST', () => {
  const pgf = usePostgres('pause');
  let sim: Simulator;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 1, maxJobs: 2, seed: 5 });
  });
  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await sim?.close();
  });

  it('wakes after the takeover, submits nothing and records the new holder\'s video', async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    const url = await pgf.server.createDatabase();
    const env = { ...process.env, USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '1000', PIXRENDER_POST_GRACE_MS: '1000', PIXRENDER_PROJECT: 'paused-test', CI: '1' };
    const checkout = async (name: string) => {
      const dir = join(pgf.root, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'paused.yaml'), manifest);
      return dir;
    };
    const render = (dir: string, node: string[] = []) => {
      const child = spawn(process.execPath, [...node, cli, 'render', join(dir, 'paused.yaml'), '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(TIME_SCALE), '--plain'], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      children.push(child);
      return Object.assign(child, { stderrText: () => stderr });
    };
    const [a, b] = await Promise.all(['a', 'b'].map(checkout));
    const paused = render(a!, ['--import', preload]);
    const until = Date.now() + 20_000;
    while (!(await isStopped(paused.pid!)) && Date.now() < until && paused.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    expect(await isStopped(paused.pid!)).toBe(true);
    expect(sim.stats().jobs).toHaveLength(0);

    // The other runner takes the job over once the lease lapses, finds nothing at the API, submits it.
    const taker = render(b!);
    expect(await exited(taker)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);

    paused.kill('SIGCONT');
    expect(await exited(paused)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);
    const [lockA, lockB] = await Promise.all([a!, b!].map((dir) => readFile(join(dir, 'paused.yaml.lock'), 'utf8')));
    expect(Object.keys(JSON.parse(lockB!).jobs)).toEqual(['clip']);
    expect(lockA).toBe(lockB);
  }, 60_000);
});
