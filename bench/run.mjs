// `npm run bench`: every benchmark, figures printed with the targets they are held to.
import { benchExecutor } from './executor.mjs';
import { benchManifest } from './manifest.mjs';

const only = process.argv[2];

if (!only || only === 'manifest') {
  console.log('\n== validate + plan of a generated 10,000-job manifest (target < 2 s, < 300 MB) ==');
  console.log(await benchManifest({ jobs: 10_000 }));
}
if (!only || only === 'executor') {
  console.log('\n== executor on the simulator (targets: makespan ≤ 1.10 × lower bound; ≤ 2.5 requests per job for independent64 without callbacks; ≤ 360 scheduler calls per hour per account) ==');
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
