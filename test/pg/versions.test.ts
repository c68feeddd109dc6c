// Two projects outside git with the same manifest path (one scope) in one database, or two versions of one
// manifest: results, attempts and waits are told apart by fingerprint. Neither plans the other's renders
// as its own lock entries, nor collects or fails the other's open attempts.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runManifest, type RunOutcome } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the shared-store version tests: ${missing}`);

const JOBS = 3;
const manifest = (subject: string, budget = '') =>
  ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', ...(budget ? [budget] : []), 'jobs:']
    .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "${subject} number ${i}"\n    seed: ${i + 1}`))
    .join('\n');

describe.skipIf(missing !== undefined)('versions of a job in a shared store', () => {
  const fx = usePostgres('versions');
  let sim: Simulator;
  afterAll(async () => {
    await sim?.close();
  });

  const render = (dir: string, url: string, extra: { noWait?: boolean } = {}): Promise<RunOutcome> =>
    runManifest(join(dir, 'renders', 'fleet.yaml'), {
      mode: 'render',
      backend: 'useapi',
      apiUrl: sim.url,
      env: { USEAPI_TOKEN: sim.token, PIXRENDER_STORE: url, PIXRENDER_LEASE_MS: '3000' },
      simTimeScale: 0.005,
      tuning: { busyBackoffMs: 200, busyBackoffMaxMs: 800 },
      ...extra,
    });
  const write = async (dir: string, text: string) => {
    await mkdir(join(dir, 'renders'), { recursive: true });
    await writeFile(join(dir, 'renders', 'fleet.yaml'), text);
  };
  const failedRows = async (url: string): Promise<number> => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM journal WHERE type = 'failed'`)).rows[0]!.n;
    } finally {
      await db.end();
    }
  };

  it('one scope, two projects: each keeps its own results (0 to spend under a budget), and never collects or fails the other’s attempts', async () => {
    sim = await startSimulator({ timeScale: 0.005, accounts: 1, maxJobs: 4, seed: 8 });
    const url = await fx.server.createDatabase();
    const [lantern, camel] = [join(fx.root, 'lantern'), join(fx.root, 'camel')];
    await write(lantern, manifest('A paper lantern'));
    await write(camel, manifest('A camel on a dune'));
    expect((await render(lantern, url)).kind).toBe('ran');
    expect((await render(camel, url)).kind).toBe('ran');
    expect(sim.stats().jobs).toHaveLength(2 * JOBS);

    // The camel's completions are newer; the lantern still has all it asked for.
    await write(lantern, manifest('A paper lantern', 'budget:\n  credits: 1'));
    const again = await render(lantern, url);
    expect(again.kind).toBe('ran');
    expect(again.kind === 'ran' && again.summary).toMatchObject({ cached: JOBS, failed: 0, creditsSpent: 0 });
    expect(sim.stats().jobs).toHaveLength(2 * JOBS);

    // Both at once: the lantern's new version is still rendering while the camel runs.
    await write(lantern, manifest('A paper lantern at night'));
    const left = await render(lantern, url, { noWait: true });
    expect(left.kind === 'ran' && left.summary.pending).toBe(JOBS);
    const camelAgain = await render(camel, url);
    expect(camelAgain.kind === 'ran' && camelAgain.summary).toMatchObject({ cached: JOBS, failed: 0, creditsSpent: 0 });
    expect(await readdir(join(camel, 'renders', '.pixrender', 'aside')).catch(() => [])).toEqual([]);
    expect(await failedRows(url)).toBe(0);
    // The lantern collects its own, submitted once.
    const collected = await render(lantern, url);
    expect(collected.kind === 'ran' && collected.summary).toMatchObject({ failed: 0, pending: 0, creditsSpent: 0 });
    expect(sim.stats().jobs).toHaveLength(3 * JOBS);
  }, 120_000);
});
