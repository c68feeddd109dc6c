// A slot lease names an account: the POST made in it goes to that account. Otherwise the API picks one
// (the least busy it sees), which may be full with another runner's jobs, and the runner draws 429s
// although all runners together stay within every account's maxJobs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the slot-account test: ${missing}`);

const JOBS = 24;
const TIME_SCALE = 0.02;
// Half the jobs extend another job's video: such a POST goes to the account inside that video's id.
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS / 2 }, (_, i) => `  clip${i}:\n    prompt: "A lighthouse number ${i} at dusk"\n    seed: ${i + 1}`))
  .concat(Array.from({ length: JOBS / 2 }, (_, i) => `  more${i}:\n    extend: clip${i}\n    prompt: "The light turns"\n    seed: ${i + 1}`))
  .join('\n');

describe.skipIf(missing !== undefined)('slots name their account', () => {
  const pgf = usePostgres('slot-account');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 3, maxJobs: 2, seed: 13 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('three runners on three accounts, half the jobs extending another’s video: every POST goes to its slot’s account, so no 429 and no account over maxJobs', async () => {
    const url = await pgf.server.createDatabase();
    const runs = ['a', 'b', 'c'].map(async (name) => {
      const dir = join(pgf.root, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'fleet.yaml'), manifest);
      return runManifest(join(dir, 'fleet.yaml'), {
        mode: 'render',
        backend: 'useapi',
        apiUrl: sim.url,
        env: { USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_PROJECT: 'slot-account', PIXRENDER_LEASE_MS: '3000' },
        simTimeScale: TIME_SCALE,
        tuning: { busyBackoffMs: 50, busyBackoffMaxMs: 200 },
      });
    });
    const outcomes = await Promise.all(runs);
    for (const outcome of outcomes) expect(outcome.kind === 'ran' && outcome.summary.done).toBe(JOBS);
    const stats = sim.stats();
    expect(stats.jobs).toHaveLength(JOBS);
    for (const account of Object.values(stats.accounts)) expect(account.maxConcurrent).toBeLessThanOrEqual(2);
    expect(stats.sent429).toBe(0);
  });
});
