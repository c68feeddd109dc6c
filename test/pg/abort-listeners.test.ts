// Runners sharing a store wait for claims and slots by the dozen, all on the run's one AbortSignal:
// no MaxListenersExceededWarning may come of it (each wait once added its own abort listener).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the abort-listener test: ${missing}`);

const JOBS = 24;
const TIME_SCALE = 0.02;
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A heron number ${i} in the reeds"\n    seed: ${i + 1}`))
  .join('\n');

describe.skipIf(missing !== undefined)('waits on a shared store', () => {
  const pgf = usePostgres('listeners');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 2, maxJobs: 3, seed: 8 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('three runners with a signal each: every job done, and no MaxListenersExceededWarning', async () => {
    const url = await pgf.server.createDatabase();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const runs = ['a', 'b', 'c'].map(async (name) => {
        const dir = join(pgf.root, name);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'fleet.yaml'), manifest);
        const controller = new AbortController();
        return runManifest(join(dir, 'fleet.yaml'), {
          mode: 'render',
          backend: 'useapi',
          apiUrl: sim.url,
          env: { USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_PROJECT: 'listeners', PIXRENDER_LEASE_MS: '3000' },
          simTimeScale: TIME_SCALE,
          signal: controller.signal,
        });
      });
      const outcomes = await Promise.all(runs);
      for (const outcome of outcomes) expect(outcome.kind === 'ran' && outcome.summary.done).toBe(JOBS);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});
