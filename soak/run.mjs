#!/usr/bin/env node
// The soak campaign: `npm run soak -- --seeds 200 --from 1`, `--seed N` to replay one, `--minutes M`
// as a cap. See docs/soak.md. Exit 1 when any invariant broke, 0 otherwise.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAssets } from './assets.mjs';
import { cli } from './processes.mjs';
import { runSeed } from './seed.mjs';

const USAGE = `Usage: npm run soak -- [--seeds N] [--from S] [--seed S] [--minutes M] [options]

  --seeds N        how many seeds (default 20)
  --from S         first seed (default 1)
  --seed S[,S…]    replay one seed (or a list of seeds)
  --minutes M      stop starting seeds after M minutes (default: no cap)
  --time-scale F   simulator time scale (default 0.01)
  --parallel N     seeds at once (default 1)
  --max-resumes N  renders allowed after the planned kills before "unfinished" (default 6)
  --no-disk        never mount a small tmpfs for the full-disk fault
  --keep           keep every seed's folder (failed seeds are always kept)
  --root DIR       where seeds run (default: a new folder in the temp dir)
  --json           print the results as JSON lines too`;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    from: { type: 'string' },
    seed: { type: 'string' },
    minutes: { type: 'string' },
    'time-scale': { type: 'string' },
    parallel: { type: 'string' },
    'max-resumes': { type: 'string' },
    'no-disk': { type: 'boolean' },
    keep: { type: 'boolean' },
    root: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (name, fallback, min = 0) => {
  const v = values[name] === undefined ? fallback : Number(values[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} expects an integer >= ${min}, got ${values[name]}\n\n${USAGE}`);
    process.exit(2);
  }
  return v;
};
const listed = values.seed?.split(',').map((s) => Number(s.trim()));
if (listed && !listed.every((s) => Number.isInteger(s) && s >= 0)) {
  console.error(`--seed expects integers >= 0, got ${values.seed}\n\n${USAGE}`);
  process.exit(2);
}
const first = listed ? listed[0] : int('from', 1);
const count = listed ? listed.length : int('seeds', 20, 1);
const seeds = listed ?? Array.from({ length: count }, (_, i) => first + i);
const seedRange = listed ? listed.join(',') : `${first}…${first + count - 1}`;
const minutes = values.minutes === undefined ? Infinity : Number(values.minutes);
const timeScale = values['time-scale'] === undefined ? 0.01 : Number(values['time-scale']);
const parallel = int('parallel', 1, 1);
if (!Number.isFinite(timeScale) || timeScale <= 0 || !(minutes > 0)) {
  console.error(`bad --time-scale or --minutes\n\n${USAGE}`);
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}

const root = values.root ?? (await mkdtemp(join(tmpdir(), 'pixrender-soak-')));
await mkdir(root, { recursive: true });
const options = {
  root,
  assetDir: await ensureAssets(),
  mediaDir: join(tmpdir(), 'pixrender-soak-sim-media'),
  timeScale,
  maxResumes: int('max-resumes', 6),
  runTimeoutMs: 180_000,
  keep: values.keep === true,
  disk: values['no-disk'] !== true,
};
console.log(`soak: seeds ${seedRange}, time scale ${timeScale}, parallel ${parallel}${Number.isFinite(minutes) ? `, cap ${minutes} min` : ''}, in ${root}`);

const startedAt = Date.now();
const results = [];
let next = 0;
const worker = async () => {
  while (next < seeds.length && Date.now() - startedAt < minutes * 60_000) {
    const seed = seeds[next++];
    const r = await runSeed(seed, options);
    results.push(r);
    const mark = r.violations.length === 0 ? 'ok  ' : 'FAIL';
    console.log(`${mark} seed ${seed}: ${r.runs} runs, ${r.kills} kills, exits [${r.exits.join(' ')}], ${(r.ms / 1000).toFixed(1)} s${r.disk ? `, disk ${r.disk}` : ''}${r.faults.length ? `, faults ${r.faults.join(' ')}` : ''}`);
    for (const v of r.violations) console.log(`     ${v.invariant}: ${v.detail}`);
    for (const w of r.warnings) console.log(`     warning: ${w}`);
    if (values.json) console.log(JSON.stringify(r));
  }
};
await Promise.all(Array.from({ length: parallel }, worker));
results.sort((a, b) => a.seed - b.seed);

// Summary.
const sum = (f) => results.reduce((n, r) => n + f(r), 0);
const byKind = {};
for (const r of results) for (const [k, v] of Object.entries(r.injected ?? {})) byKind[k] = (byKind[k] ?? 0) + v;
const violations = results.flatMap((r) => r.violations.map((v) => ({ seed: r.seed, ...v })));
const count_ = (name) => violations.filter((v) => v.invariant === name).length;
const disk = results.filter((r) => r.disk?.startsWith('full')).length;
const diskSkipped = results.find((r) => r.disk?.startsWith('skipped'));
const lines = [
  '',
  `soak summary: ${results.length} seeds in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min (${seedRange}${results.length < count ? `, stopped by --minutes after ${results.length}` : ''})`,
  `  renders run          ${sum((r) => r.runs)}`,
  `  kill -9              ${sum((r) => r.kills)}`,
  `  full disk            ${disk} seeds${diskSkipped ? ` (skipped: ${diskSkipped.disk})` : ''}`,
  `  fault kinds (seeds)  ${Object.entries(kindCounts(results)).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  `  faults injected      ${Object.entries(byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  `  duplicates           ${count_('duplicate-submission') + count_('unplanned-submission')}`,
  `  lost/corrupt outputs ${count_('lost-output') + count_('corrupt-output')}`,
  `  overspend            ${count_('overspend')} (credit mismatches ${count_('credits-mismatch')})`,
  `  outside writes       ${count_('outside-write')}`,
  `  other                ${violations.filter((v) => !['duplicate-submission', 'unplanned-submission', 'lost-output', 'corrupt-output', 'overspend', 'credits-mismatch', 'outside-write'].includes(v.invariant)).length} (unfinished, hung, internal-error, refused-resume, rerun-not-idempotent, plan, harness)`,
  `  warnings             ${sum((r) => r.warnings.length)}`,
  `  render exits         ${Object.entries(exitCounts(results)).map(([k, v]) => `${k}: ${v}`).join(', ')}`,
];
console.log(lines.join('\n'));
if (violations.length > 0) {
  console.log(`\n${violations.length} invariant violations:`);
  for (const v of violations) console.log(`  seed ${v.seed}  ${v.invariant}  replay: npm run soak -- --seed ${v.seed}${timeScale !== 0.01 ? ` --time-scale ${timeScale}` : ''}   (log: ${join(root, 'logs', `seed-${v.seed}.log`)})`);
  process.exit(1);
}
if (values.root === undefined && !options.keep) await rm(root, { recursive: true, force: true });
console.log('\nall invariants held');

function exitCounts(results) {
  const counts = {};
  for (const r of results) for (const e of r.exits) counts[e] = (counts[e] ?? 0) + 1;
  return counts;
}

function kindCounts(results) {
  const counts = {};
  for (const r of results) for (const k of r.faults) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}
