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
  console.log('\n== executor on the simulator (targets: makespan ≤ 1.10 × lower bound, ≤ 4 requests per job) ==');
  console.table(await benchExecutor());
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
