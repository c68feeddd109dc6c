// Watch-mode benchmark: on a rendered 1,000-job manifest (500 clips, each with an extend step), how long
// from saving an edit of one job's prompt to its resubmission (the POST answered by the simulator),
// excluding the debounce. Target: < 300 ms.
//
// The session renders everything once through the simulator (real HTTP, time-scaled renders), then each
// round saves an edit (an editor-style rename-save) and times:
//   save → first file event → cycle start (after the debounce) → plan → POST sent → POST answered.
// The figure is (POST answered − save) − debounce. Rounds run one after another; the median is the result.
// Run with `npm run bench`, or `node bench/watch.mjs [JOBS] [ROUNDS]` after `npm run build` (reads dist/).
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const TARGET_MS = 300;
const TIME_SCALE = 0.0002;
const DEBOUNCE_MS = 50;

function manifestText(jobs, edited = 'A paper boat number 0 on a rainy street') {
  const lines = ['version: 1', 'name: watch-bench', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:'];
  for (let i = 0; i < Math.ceil(jobs / 2); i++) {
    const prompt = i === 0 ? edited : `A paper boat number ${i} on a rainy street`;
    lines.push(`  clip${i}:`, `    prompt: ${prompt}`, '    then:', '      - extend: { prompt: The boat drifts away }');
  }
  return `${lines.join('\n')}\n`;
}

/** Saves like many editors do: write a temporary file, then rename it over the manifest. */
async function save(file, text) {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark; returns the figures (and prints them unless quiet). */
export async function benchWatch({ jobs = 1000, rounds = 7, quiet = false } = {}) {
  const { startSimulator } = await import('../dist/sim/index.js');
  const { startWatch } = await import('../dist/watch.js');
  const { chokidarWatcher } = await import('../dist/watch/watcher.js');
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-bench-watch-'));
  const sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 8, maxJobs: 8, credits: 1e9, seed: 42 });
  let session;
  try {
    const file = join(dir, 'bench.yaml');
    await writeFile(file, manifestText(jobs));

    // Timestamps of the round in progress, filled by the watcher and the session's events.
    let round;
    const waiters = [];
    const onEvent = (e) => {
      const now = performance.now();
      if (round) {
        if (e.type === 'change' && round.cycle === undefined) round.cycle = now;
        if (e.type === 'plan' && round.plan === undefined) round.plan = now;
        if (e.type === 'job' && e.id === 'clip0' && e.state === 'submitting' && round.sent === undefined) round.sent = now;
        if (e.type === 'job' && e.id === 'clip0' && e.state === 'rendering' && round.answered === undefined) round.answered = now;
        if (e.type === 'superseded') round.superseded = true;
      }
      if (e.type === 'idle') waiters.splice(0).forEach((w) => w());
    };
    const idle = () => new Promise((resolve) => waiters.push(resolve));
    const watcher = (onChange, onError) =>
      chokidarWatcher((f, kind) => {
        if (round && round.event === undefined) round.event = performance.now();
        onChange(f, kind);
      }, onError);

    const t0 = performance.now();
    const firstIdle = idle();
    session = await startWatch(file, {
      apiUrl: sim.url,
      backend: 'useapi',
      env: { USEAPI_TOKEN: sim.token },
      simTimeScale: TIME_SCALE,
      debounceMs: DEBOUNCE_MS,
      watcher,
      onEvent,
    });
    await firstIdle;
    const firstRenderSeconds = (performance.now() - t0) / 1000;
    const rendered = sim.stats().jobs.length;
    if (rendered !== jobs) throw new Error(`first render submitted ${rendered} jobs, expected ${jobs}`);

    const results = [];
    for (let r = 0; r < rounds; r++) {
      const before = sim.stats().jobs.length;
      const done = idle();
      round = {};
      await save(file, manifestText(jobs, `A paper boat number 0 on a rainy street, take ${r + 1}`));
      round.saved = performance.now();
      await done;
      const resubmitted = sim.stats().jobs.slice(before).map((j) => /^pixrender:(.+)@/.exec(j.replyRef ?? '')?.[1]);
      if (round.answered === undefined || resubmitted.join(',') !== 'clip0,clip0.1') throw new Error(`round ${r + 1}: resubmitted ${resubmitted.join(',') || 'nothing'}, expected clip0 then clip0.1`);
      results.push({
        totalMs: round.answered - round.saved - DEBOUNCE_MS,
        eventMs: round.event - round.saved,
        loadPlanMs: round.plan - round.cycle,
        toPostMs: round.sent - round.plan,
        postMs: round.answered - round.sent,
        superseded: round.superseded === true,
      });
      round = undefined;
    }

    const figures = {
      jobs,
      rounds,
      firstRenderSeconds,
      medianMs: median(results.map((x) => x.totalMs)),
      maxMs: Math.max(...results.map((x) => x.totalMs)),
      breakdownMs: {
        fileEvent: median(results.map((x) => x.eventMs)),
        validateAndPlan: median(results.map((x) => x.loadPlanMs)),
        planToPost: median(results.map((x) => x.toPostMs)),
        post: median(results.map((x) => x.postMs)),
      },
      rawMs: results.map((x) => Math.round(x.totalMs)),
    };
    const pass = figures.medianMs < TARGET_MS;
    if (!quiet) {
      const ms = (x) => `${Math.round(x)} ms`;
      console.log(`watch bench: ${jobs} jobs, first render ${firstRenderSeconds.toFixed(1)} s, ${rounds} edits of one job's prompt`);
      console.log(`  save → resubmission (POST answered), debounce (${DEBOUNCE_MS} ms) excluded: median ${ms(figures.medianMs)}, max ${ms(figures.maxMs)}   target < ${TARGET_MS} ms`);
      console.log(`  per round: ${figures.rawMs.map((x) => `${x}`).join(', ')} ms`);
      const b = figures.breakdownMs;
      console.log(`  breakdown (medians): file event ${ms(b.fileEvent)}, validate + plan ${ms(b.validateAndPlan)}, plan → POST ${ms(b.planToPost)}, POST ${ms(b.post)}`);
      console.log(`  ${pass ? 'within target' : 'MISSED the target'}`);
    }
    return { ...figures, pass };
  } finally {
    await session?.stop();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const jobs = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 7);
  benchWatch({ jobs, rounds }).then(
    (r) => (process.exitCode = r.pass ? 0 : 1),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
