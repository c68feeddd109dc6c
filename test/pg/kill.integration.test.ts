// kill -9 of one of three real `pixrender render` processes sharing a PostgreSQL store: the others take
// over its claims when its lease lapses, reconcile what it had submitted, and finish everything; its
// rerun submits nothing and ends with the same lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { postgresMissing, startPostgres, type TestPostgres } from './server.mjs';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const missing = postgresMissing();
if (missing) console.warn(`skipping the shared-store kill -9 test: ${missing}`);

const JOBS = 24;
const TIME_SCALE = 0.02;
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A lantern number ${i} drifting on a lake"\n    seed: ${i + 1}`))
  .join('\n');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe.skipIf(missing !== undefined)('kill -9 of one runner of three', () => {
  let server: TestPostgres;
  let sim: Simulator;
  let root: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 2, maxJobs: 3, seed: 11 });
    root = await mkdtemp(join(tmpdir(), 'pixrender-fleet-kill-'));
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await sim?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('the others finish everything, nothing is submitted twice, and the rerun submits nothing', async () => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
    const url = await server.createDatabase();
    const common = { ...process.env, USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '2000', PIXRENDER_POST_GRACE_MS: '2000', CI: '1' };
    // Checkouts outside git: one project because the team names it.
    const env = { ...common, PIXRENDER_PROJECT: 'fleet-kill-test' };
    const checkout = async (name: string) => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'fleet.yaml'), manifest);
      return dir;
    };
    const render = (dir: string) => {
      const child = spawn(process.execPath, [cli, 'render', join(dir, 'fleet.yaml'), '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(TIME_SCALE), '--plain'], { env, stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const dirs = await Promise.all(['a', 'b', 'c'].map(checkout));
    const runs = dirs.map(render);
    // Mid-batch: some jobs accepted, most still to go.
    const deadline = Date.now() + 120_000;
    while (sim.stats().jobs.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // The victim is a runner that is submitting (runner ids are host:pid:random).
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const submitting = await db.query<{ runner_id: string }>(`SELECT runner_id FROM journal WHERE type = 'intent' ORDER BY id DESC LIMIT 1`);
    const pid = Number(submitting.rows[0]?.runner_id.split(':')[1]);
    const index = runs.findIndex((child) => child.pid === pid);
    expect(index).toBeGreaterThanOrEqual(0);
    const victim = runs[index]!;
    const others = runs.filter((child) => child !== victim);
    victim.kill('SIGKILL');
    await exited(victim);
    // What it left open (read now: the survivors compact the journal when they end).
    const open = await db.query<{ job: string }>(
      `SELECT DISTINCT i.job FROM journal i WHERE i.type = 'intent' AND i.runner_id = $1
       AND NOT EXISTS (SELECT 1 FROM journal c WHERE c.job = i.job AND c.type = 'completed')`,
      [submitting.rows[0]!.runner_id],
    );
    const submittedAtKill = sim.stats().jobs.length;
    expect(submittedAtKill).toBeGreaterThanOrEqual(8);
    expect(submittedAtKill).toBeLessThan(JOBS);

    expect(await Promise.all(others.map(exited))).toEqual([0, 0]);
    const jobs = sim.stats().jobs;
    const perJob = new Map<string, number>();
    for (const j of jobs) {
      const id = /^pixrender:(.*)@/.exec(j.replyRef ?? '')?.[1] ?? '?';
      perJob.set(id, (perJob.get(id) ?? 0) + 1);
    }
    expect(perJob.size).toBe(JOBS);
    expect([...perJob.values()].every((n) => n === 1)).toBe(true);
    for (const account of Object.values(sim.stats().accounts)) expect(account.maxConcurrent).toBeLessThanOrEqual(3);
    // The killed runner's submissions were taken over: completed by another runner, not submitted again.
    const takenOver = await db.query<{ job: string }>(`SELECT DISTINCT job FROM journal WHERE type = 'completed' AND runner_id <> $1 AND job = ANY($2::text[])`, [
      submitting.rows[0]!.runner_id,
      open.rows.map((r) => r.job),
    ]);
    await db.end();
    expect(open.rowCount).toBeGreaterThan(0);
    expect(takenOver.rows.map((r) => r.job).sort()).toEqual(open.rows.map((r) => r.job).sort());

    const rerun = render(dirs[index]!);
    expect(await exited(rerun)).toBe(0);
    expect(sim.stats().jobs).toHaveLength(JOBS);
    const locks = await Promise.all(dirs.map((dir) => readFile(join(dir, 'fleet.yaml.lock'), 'utf8')));
    expect(Object.keys(JSON.parse(locks[0]!).jobs)).toHaveLength(JOBS);
    expect(locks[1]).toBe(locks[0]);
    expect(locks[2]).toBe(locks[0]);
  });
});
