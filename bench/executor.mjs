// Executor benchmark: renders generated manifests on the simulator (real HTTP, time-scaled renders)
// and prints makespan / lower bound and API requests per job.
//   lower bound = max(critical path, total render time / slots)
// Run with `npm run bench` (builds first), or `node bench/executor.mjs` after `npm run build`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runManifest } from '../dist/pipeline.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * The simulator runs in its own process, as the real API runs elsewhere: the client under test does
 * not share its event loop with the server streaming media.
 */
export async function startSimProcess(options) {
  const args = [cli, 'sim', '--port', '0', '--time-scale', String(options.timeScale), '--max-jobs', String(options.maxJobs), '--credits', String(options.credits), '--seed', String(options.seed)];
  if (options.accounts) args.push('--accounts', String(options.accounts));
  if (options.faults) args.push('--faults', options.faults);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const { url, token } = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /base URL\s+(\S+)/.exec(out)?.[1];
      const token = /token\s+(\S+)/.exec(out)?.[1];
      if (url && token) resolve({ url, token });
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  const origin = new URL(url).origin;
  return {
    url,
    token,
    stats: async () => (await fetch(`${origin}/__sim/stats`)).json(),
    close: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.02);
const SLOTS = 8;

function manifest(name, jobs) {
  const lines = ['version: 1', `name: ${name}`, 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', '  seed: 7', 'jobs:'];
  for (const [id, body] of jobs) {
    lines.push(`  ${id}:`);
    for (const [k, v] of Object.entries(body)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

const workloads = {
  independent64: () => Array.from({ length: 64 }, (_, i) => [`clip${i}`, { prompt: `A paper boat number ${i} on a rainy street` }]),
  chains: () =>
    Array.from({ length: 8 }, (_, c) => [
      [`c${c}a`, { prompt: `Chain ${c}: a lighthouse at dusk` }],
      [`c${c}b`, { extend: `c${c}a`, prompt: 'The camera rises above the waves' }],
      [`c${c}c`, { extend: `c${c}b`, prompt: 'Night falls, the light turns on' }],
      [`c${c}d`, { upscale: `c${c}c` }],
    ]).flat(),
  diamonds: () =>
    Array.from({ length: 8 }, (_, d) => [
      [`d${d}top`, { prompt: `Diamond ${d}: a red kite in a blue sky` }],
      [`d${d}left`, { extend: `d${d}top`, prompt: 'The kite dives left' }],
      [`d${d}right`, { extend: `d${d}top`, prompt: 'The kite climbs right' }],
      [`d${d}join`, { transition: [`d${d}left`, `d${d}right`] }],
    ]).flat(),
};

function lowerBound(plan, slots) {
  const seconds = new Map(plan.jobs.map((j) => [j.id, j.expectedSeconds * TIME_SCALE]));
  const finish = new Map();
  for (const j of plan.jobs) {
    const start = Math.max(0, ...j.dependsOn.map((d) => finish.get(d) ?? 0));
    finish.set(j.id, start + seconds.get(j.id));
  }
  const critical = Math.max(...finish.values());
  const total = [...seconds.values()].reduce((a, b) => a + b, 0);
  return Math.max(critical, total / slots);
}

async function runWorkload(name, jobs, faults) {
  const dir = await mkdtemp(join(tmpdir(), `pixrender-bench-${name}-`));
  const sim = await startSimProcess({ timeScale: TIME_SCALE, maxJobs: SLOTS, credits: 1_000_000, seed: 42, faults });
  try {
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, manifest(name, jobs));
    const started = performance.now();
    let runStart = 0;
    let runEnd = 0;
    const outcome = await runManifest(file, {
      onEvent: (e) => {
        if (e.type === 'run-start') runStart = performance.now();
        if (e.type === 'run-end') runEnd = performance.now();
      },
      mode: 'render',
      apiUrl: sim.url,
      backend: 'useapi',
      env: { USEAPI_TOKEN: sim.token },
      simTimeScale: TIME_SCALE,
      tuning: { busyBackoffMs: 1000, busyBackoffMaxMs: 4000 },
    });
    // Makespan: the executor's run (first submission to last download and lock write); the whole
    // command, with manifest loading and simulator start-up, is reported beside it.
    const makespan = (runEnd - runStart) / 1000;
    const wall = (performance.now() - started) / 1000;
    if (outcome.kind !== 'ran') throw new Error(`${name}: ${outcome.kind} ${JSON.stringify(outcome.diagnostics ?? '')}`);
    const stats = await sim.stats();
    const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
    const lb = lowerBound(outcome.plan, SLOTS);
    const maxConcurrent = Math.max(...Object.values(stats.accounts).map((a) => a.maxConcurrent));
    // Scheduler calls per hour of API time (the run's time divided by the time scale) and account.
    const accounts = Object.keys(stats.accounts).length;
    const apiHours = makespan / TIME_SCALE / 3600;
    const schedulerCalls = (stats.requests['GET scheduler/available'] ?? 0) + (stats.requests['GET scheduler'] ?? 0);
    return {
      workload: name,
      jobs: outcome.plan.jobs.length,
      done: outcome.summary.done,
      makespan_s: +makespan.toFixed(2),
      command_s: +wall.toFixed(2),
      lower_bound_s: +lb.toFixed(2),
      ratio: +(makespan / lb).toFixed(3),
      requests_per_job: +(requests / outcome.plan.jobs.length).toFixed(2),
      scheduler_per_hour_per_account: +(schedulerCalls / apiHours / accounts).toFixed(0),
      sent429: stats.sent429,
      max_concurrent: maxConcurrent,
    };
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchExecutor() {
  // The simulator generates each media size once (ffmpeg) and caches it; warm that cache first so the
  // figures measure scheduling, not the first encode of a 4K clip.
  await runWorkload('warm-up', [...workloads.chains().slice(0, 4), ...workloads.diamonds().slice(0, 4)]);
  const rows = [];
  rows.push(await runWorkload('independent64', workloads.independent64()));
  rows.push(await runWorkload('chains', workloads.chains()));
  rows.push(await runWorkload('diamonds', workloads.diamonds()));
  rows.push(await runWorkload('storm429', workloads.independent64(), 'storm=0.3'));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`executor benchmark: time scale ${TIME_SCALE}, ${SLOTS} slots`);
  console.table(await benchExecutor());
}
