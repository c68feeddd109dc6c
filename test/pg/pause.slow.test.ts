// Real `pixrender render` processes sharing a PostgreSQL store, one of them stopped (SIGSTOP), killed or
// with a skewed clock at a chosen journal write (journal-hook.mjs), against one simulator:
// - stopped between its intent and its POST, longer than its lease: the other runner takes the job over,
//   finds nothing at the API and submits it; the stopped one wakes, sends no POST (its claim's deadline
//   has passed), waits for the new holder's result and writes the same lock, byte for byte;
// - stopped while its job renders: the other runner collects the video; the woken one records that
//   runner's lock entry, not one of its own (same bytes);
// - dead right after its POST with a clock 150 s ahead: the taker's wait and reconcile's cutoff use the
//   database's clock, so the video that POST created is found and adopted, not paid again.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const hook = fileURLToPath(new URL('./journal-hook.mjs', import.meta.url));
const postHook = fileURLToPath(new URL('./post-hook.mjs', import.meta.url));
const missing = postgresMissing();
if (missing) console.warn(`skipping the paused-runner tests: ${missing}`);
if (process.platform !== 'linux') console.warn('skipping the paused-runner tests: they read process states from /proc');

const TIME_SCALE = 0.02;
const manifest = ['version: 1', 'name: paused', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:', '  clip:', '    prompt: "A lantern drifting on a lake"', '    seed: 7'].join('\n');

function exited(child: ChildProcess, withinMs = 60_000): Promise<number | null | 'timeout'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => resolve('timeout'), withinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function state(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe.skipIf(missing !== undefined || process.platform !== 'linux')('a runner paused, killed or skewed at a journal write', () => {
  const pgf = usePostgres('pause');
  let sim: Simulator;
  let url: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 1, maxJobs: 2, seed: 5 });
    url = await pgf.server.createDatabase();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await sim?.close();
  });

  const checkout = async (name: string) => {
    const dir = join(pgf.root, `${name}-${Math.random().toString(16).slice(2)}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'paused.yaml'), manifest);
    return dir;
  };
  const render = (dir: string, hooked: Record<string, string> = {}, preload = Object.keys(hooked).length > 0 ? hook : undefined) => {
    const env = { ...process.env, USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '1000', PIXRENDER_POST_GRACE_MS: '1000', PIXRENDER_PROJECT: 'paused-test', CI: '1', ...hooked };
    const node = preload ? ['--import', preload] : [];
    const child = spawn(process.execPath, [...node, cli, 'render', join(dir, 'paused.yaml'), '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(TIME_SCALE), '--plain'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.push(child);
    return Object.assign(child, { output: () => output });
  };
  /** Waits until the process is in state `s` (T: stopped) or gone. */
  const reaches = async (child: ChildProcess, s: 'T' | 'gone') => {
    const until = Date.now() + 30_000;
    for (;;) {
      const now = child.exitCode !== null || child.signalCode !== null ? 'gone' : await state(child.pid!);
      if (now === s || Date.now() > until) return now === s;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const locks = (dirs: string[]) => Promise.all(dirs.map((dir) => readFile(join(dir, 'paused.yaml.lock'), 'utf8')));

  it('stopped between its intent and its POST: wakes after the takeover, submits nothing, records the new holder\'s video', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(checkout));
    const paused = render(a!, { PIXRENDER_HOOK_RECORD: 'intent', PIXRENDER_HOOK_SIGNAL: 'SIGSTOP' });
    expect(await reaches(paused, 'T')).toBe(true);
    expect(sim.stats().jobs).toHaveLength(0);
    // The other runner takes the job over once the lease lapses, finds nothing at the API, submits it.
    expect(await exited(render(b!))).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);

    paused.kill('SIGCONT');
    expect(await exited(paused)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);
    const [lockA, lockB] = await locks([a!, b!]);
    expect(Object.keys(JSON.parse(lockB!).jobs)).toEqual(['clip']);
    expect(lockA).toBe(lockB);
  });

  it('stopped while its job renders: the other runner collects it; the woken one writes the same lock bytes', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(checkout));
    const paused = render(a!, { PIXRENDER_HOOK_RECORD: 'submitted', PIXRENDER_HOOK_SIGNAL: 'SIGSTOP' });
    expect(await reaches(paused, 'T')).toBe(true);
    expect(sim.stats().jobs).toHaveLength(1);
    expect(await exited(render(b!))).toBe(0);
    // Its own download and completion come later than the other runner's, on its own clock.
    await new Promise((r) => setTimeout(r, 50));
    paused.kill('SIGCONT');
    expect(await exited(paused)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);
    const [lockA, lockB] = await locks([a!, b!]);
    expect(JSON.parse(lockB!).jobs.clip.videoId).toBe(sim.stats().jobs[0]!.video_id);
    expect(lockA).toBe(lockB);
  });

  it('dead right after its POST, with a clock 150 s ahead: the taker finds that video and pays nothing', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(checkout));
    const dead = render(a!, { PIXRENDER_HOOK_RECORD: 'submitted', PIXRENDER_HOOK_WHEN: 'before', PIXRENDER_HOOK_SIGNAL: 'SIGKILL', PIXRENDER_HOOK_SKEW_MS: '150000' });
    expect(await reaches(dead, 'gone')).toBe(true);
    expect(sim.stats().jobs).toHaveLength(1);
    // Taken over after the lease, reconciled after the grace: well within this bound on the database's
    // clock; a taker reading the dead runner's clock would wait 150 s longer, then look past the video.
    expect(await exited(render(b!), 40_000)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(1);
    const [lockB] = await locks([b!]);
    expect(JSON.parse(lockB!).jobs.clip.videoId).toBe(sim.stats().jobs[0]!.video_id);
  });

  it('stopped after every check, just before the request leaves: the duplicate is reported, kept, and set aside once', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(checkout));
    const paused = render(a!, {}, postHook);
    expect(await reaches(paused, 'T')).toBe(true);
    expect(await exited(render(b!))).toBe(0);
    const [first] = sim.stats().jobs;
    expect(sim.stats().jobs).toHaveLength(1);

    // Its request goes out when it wakes: the API has no fencing, so that is a second job.
    paused.kill('SIGCONT');
    expect(await exited(paused)).toBe(0);
    const jobs = sim.stats().jobs;
    expect(jobs).toHaveLength(2);
    const second = jobs.find((j) => j.video_id !== first!.video_id)!;
    expect(paused.output().split(second.video_id).length - 1).toBe(1);
    const [lockA, lockB] = await locks([a!, b!]);
    expect(JSON.parse(lockB!).jobs.clip.videoId).toBe(first!.video_id);
    expect(lockA).toBe(lockB);

    // The next run collects the second video aside and says so; the one after has nothing left to say.
    const next = render(b!);
    expect(await exited(next)).toBe(0);
    expect(next.output()).toMatch(new RegExp(`second render of this version \\(${second.video_id}, submitted twice\\); kept at \\.pixrender/aside/clip@`));
    const last = render(b!);
    expect(await exited(last)).toBe(0);
    expect(last.output()).not.toContain(second.video_id);
    expect(sim.stats().jobs).toHaveLength(2);
    expect((await locks([b!]))[0]).toBe(lockB);
  });
});
