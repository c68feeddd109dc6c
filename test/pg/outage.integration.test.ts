// The shared database misbehaves under real `pixrender render` processes: a connection that stalls
// (traffic held by a proxy, never forwarded) ends the run within its timeout with the one state-database
// line, exit 2, and what was submitted stays in the journal; a `pg_ctl restart` mid-run is reconnected
// and every job still finishes. In both cases a rerun submits nothing twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { startProxy, type TestProxy } from './proxy.js';
import { postgresMissing } from './server.mjs';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const missing = postgresMissing();
if (missing) console.warn(`skipping the database outage tests: ${missing}`);

const JOBS = 10;
const TIME_SCALE = 0.03;
const TIMEOUT_MS = 1_500;
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A paper boat number ${i} on a pond"\n    seed: ${i + 1}`))
  .join('\n');

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function submissionsPerJob(sim: Simulator): Map<string, number> {
  const perJob = new Map<string, number>();
  for (const j of sim.stats().jobs) {
    const id = /^pixrender:(.*)@/.exec(j.replyRef ?? '')?.[1] ?? '?';
    perJob.set(id, (perJob.get(id) ?? 0) + 1);
  }
  return perJob;
}

async function until(what: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missing !== undefined)('the shared database stalls or restarts under running renders', () => {
  const pgf = usePostgres('outage');
  let sim: Simulator;
  let proxy: TestProxy | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 1, maxJobs: 3, seed: 21 });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await proxy?.close();
    await sim?.close();
  });

  const checkout = async (name: string) => {
    const dir = join(pgf.root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fleet.yaml'), manifest);
    return dir;
  };
  const render = (dir: string, url: string, project: string): Run => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    const env = {
      ...process.env,
      USEAPI_TOKEN: sim.token,
      PIXRENDER_STORE: url,
      PIXRENDER_PROJECT: project,
      PIXRENDER_LEASE_MS: '3000',
      PIXRENDER_POST_GRACE_MS: '2000',
      PIXRENDER_DB_TIMEOUT_MS: String(TIMEOUT_MS),
      CI: '1',
    };
    const child = spawn(process.execPath, [cli, 'render', join(dir, 'fleet.yaml'), '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(TIME_SCALE), '--plain'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, stderr: () => stderr, exited };
  };

  it('a stalled connection ends the run within its timeout: one line, exit 2, the journal kept; the rerun submits nothing twice', async () => {
    const url = await pgf.server.createDatabase();
    proxy = await startProxy(pgf.server.port);
    const dir = await checkout('stall');
    const before = sim.stats().jobs.length;
    const run = render(dir, proxy.url(url), 'outage-stall');
    await until(() => sim.stats().jobs.length - before >= 2);
    proxy.stall();
    const stalledAt = Date.now();
    const code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 12 * TIMEOUT_MS + 10_000))]);
    const took = Date.now() - stalledAt;
    expect(code).toBe(2);
    // Jobs' calls, the compaction and the close each end within the timeout: a few of them, not one per job.
    expect(took).toBeLessThan(8 * TIMEOUT_MS + 5_000);
    const lines = run.stderr().trim().split('\n');
    expect(lines.at(-1)).toMatch(/^pixrender: the state database postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+ failed: /);
    expect(run.stderr()).not.toMatch(/\n\s+at |internal error|MaxListenersExceededWarning/);
    // Every job the API accepted has its intent in the shared journal.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const intents = await db.query<{ reply_ref: string }>(`SELECT reply_ref FROM journal WHERE type = 'intent'`);
    await db.end();
    const accepted = sim.stats().jobs.slice(before).map((j) => j.replyRef);
    expect(accepted.length).toBeGreaterThan(0);
    for (const ref of accepted) expect(intents.rows.map((r) => r.reply_ref)).toContain(ref);

    proxy.heal();
    const rerun = render(dir, proxy.url(url), 'outage-stall');
    expect(await rerun.exited).toBe(0);
    const perJob = submissionsPerJob(sim);
    expect([...perJob.keys()].filter((k) => k.startsWith('clip'))).toHaveLength(JOBS);
    expect([...perJob.values()].every((n) => n === 1)).toBe(true);
  });

  it('a pg_ctl restart mid-run is reconnected: two runners finish every job, each submitted once; a rerun submits nothing', async () => {
    const url = await pgf.server.createDatabase();
    const dirs = await Promise.all(['restart-a', 'restart-b'].map(checkout));
    const before = sim.stats().jobs.length;
    const runs = dirs.map((dir) => render(dir, url, 'outage-restart'));
    await until(() => sim.stats().jobs.length - before >= 3);
    await pgf.server.restart();
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual([0, 0]);
    for (const r of runs) expect(r.stderr()).not.toMatch(/\n\s+at |internal error|MaxListenersExceededWarning|state database/);
    const accepted = sim.stats().jobs.slice(before);
    expect(accepted).toHaveLength(JOBS);
    expect(new Set(accepted.map((j) => j.replyRef?.replace(/#.*/, ''))).size).toBe(JOBS);
    const rerun = render(dirs[0]!, url, 'outage-restart');
    expect(await rerun.exited).toBe(0);
    expect(sim.stats().jobs.slice(before)).toHaveLength(JOBS);
  });
});
