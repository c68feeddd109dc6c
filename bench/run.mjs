// `npm run bench`: every benchmark, figures printed with the targets they are held to.
import { benchExecutor } from './executor.mjs';
import { benchManifest } from './manifest.mjs';
import { benchStartup } from './startup.mjs';

const only = process.argv[2];

if (!only || only === 'startup') {
  console.log('\n== cold start: validate and plan of the quickstart (target ≤ 2.5 × node -e 0) ==');
  console.table(benchStartup());
}
if (!only || only === 'manifest') {
  console.log('\n== validate + plan of a generated 10,000-job manifest (target < 2 s, < 300 MB) ==');
  console.log(await benchManifest({ jobs: 10_000 }));
}
if (!only || only === 'executor') {
  console.log('\n== executor on the simulator (targets: makespan ≤ 1.10 × lower bound; ≤ 2.5 requests per job for independent64 without callbacks; ≤ 360 scheduler calls per hour per account) ==');
  console.table(await benchExecutor());
}
if (!only || only === 'scale-out') {
  const { benchScaleOut } = await import('./scale-out.mjs');
  console.log('\n== scale-out: 3 runners, one PostgreSQL store, 24 jobs, 2 accounts × maxJobs 3 (targets: 0 duplicates, max_concurrent ≤ 3, few 429s, makespan ≤ 1.15 × lower bound; kill -9: rerun submits 0) ==');
  const result = await benchScaleOut();
  if (Array.isArray(result)) console.table(result);
  else console.log(`skipped: ${result.skipped}`);
}
if (!only || only === 'watch') {
  try {
    const { benchWatch } = await import('./watch.mjs');
    console.log('\n== watch: file save → first resubmission on a 1,000-job manifest, debounce excluded (target < 300 ms) ==');
    console.log(await benchWatch());
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
}
