// Scale-out benchmark: three `pixrender render` processes, three checkouts of one 24-job manifest, one
// shared PostgreSQL store, 2 accounts × maxJobs 3 on one simulator process. Then the same with one
// runner killed -9 mid-batch and rerun. Targets: 0 duplicate submissions, no account over maxJobs, at
// most a handful of 429s, makespan ≤ 1.15 × the lower bound of one runner using all slots.
// Needs the PostgreSQL binaries (/usr/lib/postgresql/*/bin); without them it says so and skips.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'pg';
import { planManifest } from '../dist/plan-inputs.js';
import { postgresMissing, startPostgres } from '../test/pg/server.mjs';
import { startSimProcess } from './executor.mjs';

const git = (args) => promisify(execFile)('git', args);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// 0.05: jobs of ~1.2 s, so a runner's fixed start-up (node, config, plan, database) does not dominate.
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.05);
const JOBS = 24;
const ACCOUNTS = 2;
const MAX_JOBS = 3;
const RUNNERS = 3;

const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A paper lantern number ${i} over a harbour"\n    seed: ${i + 1}`))
  .join('\n');

/** One runner's process; resolves its run-start and run-end times from the NDJSON events. */
function runner(dir, sim, url, trace) {
  const env = { ...process.env, USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '2000', PIXRENDER_POST_GRACE_MS: '2000' };
  const child = spawn(process.execPath, [cli, 'render', join(dir, 'fleet.yaml'), '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(TIME_SCALE), '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const done = new Promise((resolve) =>
    child.once('exit', async (code, signal) => {
      if (trace) await writeFile(trace, out);
      const events = out.split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
      const at = (type) => events.find((e) => e.type === type)?.at;
      resolve({ code, signal, start: at('run-start'), end: at('run-end'), summary: events.find((e) => e.type === 'run-end')?.summary, err });
    }),
  );
  return { child, done };
}

async function checkouts(root, count) {
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const dir = join(root, `checkout${i}`);
    await mkdir(dir, { recursive: true });
    // Checkouts of one repository: the shared store's scope is its origin and the manifest's path in it.
    await git(['init', '-q', dir]);
    await git(['-C', dir, 'remote', 'add', 'origin', 'https://github.com/acme/fleet.git']);
    await writeFile(join(dir, 'fleet.yaml'), manifest);
    return dir;
  }));
}

function submissionsByJob(stats) {
  const counts = new Map();
  for (const j of stats.jobs) {
    const id = /^pixrender:(.*)@/.exec(j.replyRef ?? '')?.[1] ?? '?';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function lowerBound(file) {
  const outcome = await planManifest(file);
  if (!outcome.ok) throw new Error('the bench manifest does not plan');
  const total = outcome.plan.jobs.reduce((s, j) => s + j.expectedSeconds * TIME_SCALE, 0);
  const longest = Math.max(...outcome.plan.jobs.map((j) => j.expectedSeconds * TIME_SCALE));
  return Math.max(longest, total / (ACCOUNTS * MAX_JOBS));
}

/** `runners` processes on one sim; `kill`: kill -9 the first mid-batch, then rerun it; url 'file': the file store. */
async function scenario(pg, { runners: count, kill = false, file = false }) {
  const root = await mkdtemp(join(tmpdir(), 'pixrender-bench-fleet-'));
  const sim = await startSimProcess({ timeScale: TIME_SCALE, accounts: ACCOUNTS, maxJobs: MAX_JOBS, credits: 1_000_000, seed: 42 });
  try {
    const url = file ? 'file' : await pg.createDatabase(`bench_${count}_${kill ? 'kill' : 'plain'}_${process.pid}`);
    const dirs = await checkouts(root, count);
    const lb = await lowerBound(join(dirs[0], 'fleet.yaml'));
    // BENCH_TRACE=<folder>: each runner's NDJSON events go there, to see where the time goes.
    const trace = (i) => (process.env.BENCH_TRACE ? join(process.env.BENCH_TRACE, `${count}${kill ? 'k' : file ? 'f' : 'p'}-runner${i}.ndjson`) : undefined);
    const runs = dirs.map((dir, i) => runner(dir, sim, url, trace(i)));
    let killedAt;
    let victim = -1;
    if (kill) {
      for (;;) {
        const stats = await sim.stats();
        if (stats.jobs.length >= 8) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Kill a runner that is submitting: the one that wrote the latest intent (runner ids are host:pid:random).
      const db = new postgres.Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query(`SELECT runner_id FROM journal WHERE type = 'intent' ORDER BY id DESC LIMIT 1`);
      await db.end();
      victim = runs.findIndex((r) => r.child.pid === Number(rows[0]?.runner_id.split(':')[1]));
      runs[Math.max(0, victim)].child.kill('SIGKILL');
      killedAt = (await sim.stats()).jobs.length;
    }
    const results = await Promise.all(runs.map((r) => r.done));
    const survivors = results.filter((_, i) => !kill || i !== Math.max(0, victim));
    for (const r of survivors) if (r.code !== 0) throw new Error(`a runner exited with ${r.code}: ${r.err.slice(-2000)}`);
    const after = await sim.stats();
    let rerunSubmissions;
    if (kill) {
      const rerun = await runner(dirs[Math.max(0, victim)], sim, url).done;
      if (rerun.code !== 0) throw new Error(`the rerun exited with ${rerun.code}: ${rerun.err.slice(-2000)}`);
      rerunSubmissions = (await sim.stats()).jobs.length - after.jobs.length;
    }
    const starts = survivors.map((r) => Date.parse(r.start));
    const ends = survivors.map((r) => Date.parse(r.end));
    const makespan = (Math.max(...ends) - Math.min(...starts)) / 1000;
    const perJob = submissionsByJob(after);
    const locks = await Promise.all(dirs.map((d) => readFile(join(d, 'fleet.yaml.lock'), 'utf8')));
    return {
      scenario: kill ? `kill -9 of 1 of ${count} (at ${killedAt} submitted)` : `${count} runner${count > 1 ? 's' : ''}, ${file ? 'file store' : 'PostgreSQL'}`,
      jobs: JOBS,
      submitted: after.jobs.length,
      duplicates: [...perJob.values()].reduce((s, n) => s + n - 1, 0),
      jobs_done: perJob.size,
      max_concurrent: Math.max(...Object.values(after.accounts).map((a) => a.maxConcurrent)),
      sent429: after.sent429,
      makespan_s: +makespan.toFixed(2),
      lower_bound_s: +lb.toFixed(2),
      ratio: +(makespan / lb).toFixed(3),
      identical_locks: locks.every((l) => l === locks[0]),
      ...(kill ? { rerun_submissions: rerunSubmissions } : {}),
    };
  } finally {
    await sim.close();
    await rm(root, { recursive: true, force: true });
  }
}

export async function benchScaleOut() {
  const missing = postgresMissing();
  if (missing) return { skipped: missing };
  const pg = await startPostgres();
  try {
    // One runner on the file store: the executor alone, what the shared runs are measured against.
    const single = await scenario(pg, { runners: 1, file: true });
    const rows = [single, await scenario(pg, { runners: RUNNERS }), await scenario(pg, { runners: RUNNERS, kill: true })];
    return rows.map((r) => ({ ...r, vs_single: +(r.makespan_s / single.makespan_s).toFixed(3) }));
  } finally {
    await pg.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`scale-out benchmark: time scale ${TIME_SCALE}, ${RUNNERS} runners, ${ACCOUNTS} accounts × maxJobs ${MAX_JOBS}`);
  const result = await benchScaleOut();
  if (!Array.isArray(result)) console.log(`skipped: ${result.skipped}`);
  else console.table(result);
}
