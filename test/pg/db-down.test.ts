// The shared database goes away mid-run: no new job is submitted (every POST needs its intent in the
// database first), and the run ends instead of hanging.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { isStateError } from '../../src/state/store.js';
import { postgresMissing, startPostgres, type TestPostgres } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the database-down test: ${missing}`);

const JOBS = 16;
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A kite number ${i} above a beach"\n    seed: ${i + 1}`))
  .join('\n');

describe.skipIf(missing !== undefined)('the shared database goes away mid-run', () => {
  let server: TestPostgres;
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    server = await startPostgres();
    sim = await startSimulator({ timeScale: 0.02, accounts: 1, maxJobs: 2, seed: 5 });
    dir = await mkdtemp(join(tmpdir(), 'pixrender-dbdown-'));
  });
  afterAll(async () => {
    await sim?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('submits nothing more than the POSTs already under way, and the run ends', async () => {
    const url = await server.createDatabase();
    await writeFile(join(dir, 'fleet.yaml'), manifest);
    const run = runManifest(join(dir, 'fleet.yaml'), {
      mode: 'render',
      backend: 'useapi',
      apiUrl: sim.url,
      env: { USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '3000' },
      simTimeScale: 0.02,
      tuning: { busyBackoffMs: 200, busyBackoffMaxMs: 800 },
    }).then(
      (outcome) => ({ outcome }),
      (error: unknown) => ({ error }),
    );
    while (sim.stats().jobs.length < 3) await new Promise((r) => setTimeout(r, 10));
    await server.stop();
    const atStop = sim.stats().jobs.length;
    const ended = await run;
    // At most the two slots' POSTs were already past their intent when the database went.
    expect(sim.stats().jobs.length).toBeLessThanOrEqual(atStop + 2);
    expect(sim.stats().jobs.length).toBeLessThan(JOBS);
    if ('error' in ended) expect(isStateError(ended.error, 'database')).toBe(true);
    else expect(ended.outcome.kind === 'ran' && ended.outcome.summary.done).toBeLessThan(JOBS);
  });
});
