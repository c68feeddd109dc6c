// Prints each runner's job timeline from the NDJSON files BENCH_TRACE=<folder> left (bench/scale-out.mjs):
// per job, the first letters of each state and when it began, in seconds from the first event.
//   node bench/trace-timeline.mjs <folder> [prefix]      e.g. prefix 3p (3 runners, PostgreSQL)
// `(W)` marks a job this runner waited for while another rendered it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, prefix = ''] = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.ndjson')).sort();
const runs = files.map((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } }));
const t0 = Math.min(...runs.flat().filter((e) => e.at).map((e) => Date.parse(e.at)));
const rel = (at) => ((Date.parse(at) - t0) / 1000).toFixed(2);
runs.forEach((events, i) => {
  const start = events.find((e) => e.type === 'run-start');
  const end = events.find((e) => e.type === 'run-end');
  const jobs = new Map();
  for (const e of events.filter((e) => e.type === 'job')) {
    const steps = jobs.get(e.id) ?? [];
    steps.push(`${e.state.slice(0, 2)}@${rel(e.at)}${e.message?.startsWith('rendered by') ? '(W)' : ''}`);
    jobs.set(e.id, steps);
  }
  const rendered = [...jobs.values()].filter((s) => s.some((x) => x.startsWith('su'))).length;
  console.log(`${files[i]}: start ${start ? rel(start.at) : '?'} end ${end ? rel(end.at) : '?'}, submitted ${rendered} of ${jobs.size}`);
  for (const [id, steps] of jobs) console.log(`  ${id.padEnd(8)} ${steps.join(' ')}`);
});
