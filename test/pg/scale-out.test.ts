// Several checkouts rendering the same manifest through one shared PostgreSQL store against one API.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runManifest, type RunOutcome } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { gitCheckout } from './git-checkout.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the shared-store render tests: ${missing}`);

const JOBS = 12;
/** Checkouts of one repository: the shared store's scope is its origin and the manifest's path in it. */
const ORIGIN = 'https://github.com/acme/fleet.git';
const manifest = ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
  .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "A paper boat number ${i} on a rainy street"\n    seed: ${i + 1}`))
  .join('\n');

describe.skipIf(missing !== undefined)('three checkouts, one shared store', () => {
  const fx = usePostgres('fleet');
  let sim: Simulator;
  afterAll(async () => {
    await sim?.close();
  });

  /** `viaConfig`: the checkout names the store in its project config instead of $PIXRENDER_STORE. */
  const render = (dir: string, url: string, viaConfig = false): Promise<RunOutcome> =>
    runManifest(join(dir, 'fleet.yaml'), {
      mode: 'render',
      backend: 'useapi',
      apiUrl: sim.url,
      env: { USEAPI_TOKEN: sim.token, ...(viaConfig ? {} : { PIXRENDER_STORE: url }), PIXRENDER_LEASE_MS: '3000' },
      simTimeScale: 0.005,
      tuning: { busyBackoffMs: 200, busyBackoffMaxMs: 800 },
    });

  it('submits each job once, never runs an account over maxJobs, and ends with identical locks', async () => {
    sim = await startSimulator({ timeScale: 0.005, accounts: 2, maxJobs: 3, seed: 7 });
    const url = await fx.server.createDatabase();
    const dirs = await Promise.all(['a', 'b', 'c'].map(async (name) => {
      const dir = join(fx.root, name);
      await rm(dir, { recursive: true, force: true });
      await gitCheckout(dir, ORIGIN);
      await writeFile(join(dir, 'fleet.yaml'), manifest);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `checkout-${name}`, private: true, ...(name === 'c' ? { pixrender: { store: url } } : {}) }));
      return dir;
    }));
    const outcomes = await Promise.all(dirs.map((dir, i) => render(dir, url, i === 2)));
    for (const outcome of outcomes) {
      expect(outcome.kind).toBe('ran');
      if (outcome.kind === 'ran') expect(outcome.summary).toMatchObject({ failed: 0, skipped: 0, pending: 0 });
    }
    const stats = sim.stats();
    expect(stats.jobs).toHaveLength(JOBS);
    expect(new Set(stats.jobs.map((j) => j.replyRef?.replace(/#.*/, ''))).size).toBe(JOBS);
    for (const account of Object.values(stats.accounts)) expect(account.maxConcurrent).toBeLessThanOrEqual(3);
    expect(stats.sent429).toBeLessThanOrEqual(2);
    const locks = await Promise.all(dirs.map((dir) => readFile(join(dir, 'fleet.yaml.lock'), 'utf8')));
    expect(Object.keys(JSON.parse(locks[0]!).jobs)).toHaveLength(JOBS);
    expect(locks[1]).toBe(locks[0]);
    expect(locks[2]).toBe(locks[0]);

    // A fourth checkout, later: everything is in the shared journal, so it only downloads.
    const late = await gitCheckout(join(fx.root, 'd'), ORIGIN);
    await writeFile(join(late, 'fleet.yaml'), manifest);
    const again = await render(late, url);
    expect(again.kind === 'ran' && again.summary).toMatchObject({ failed: 0, downloaded: JOBS });
    expect(sim.stats().jobs).toHaveLength(JOBS);
    expect(await readFile(join(late, 'fleet.yaml.lock'), 'utf8')).toBe(locks[0]);
  });

  it('claims a job only with an account slot in hand, so a runner that starts later finds unclaimed work for the slots that free up', async () => {
    await sim?.close();
    sim = await startSimulator({ timeScale: 0.005, accounts: 2, maxJobs: 3, seed: 8 });
    const url = await fx.server.createDatabase();
    const dirs = await Promise.all(['first', 'later'].map(async (name) => {
      const dir = await gitCheckout(join(fx.root, name), ORIGIN);
      await writeFile(join(dir, 'fleet.yaml'), manifest);
      return dir;
    }));
    const { default: pg } = await import('pg');
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    let most = 0;
    let ahead = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        // Claimed ahead: a claim whose job neither holds a slot nor was submitted yet.
        const { rows } = await db
          .query<{ n: number; all: number }>(
            `SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM slots s WHERE s.runner_id = c.runner_id AND s.job = c.job)
                                       AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.job = c.job AND j.fingerprint = c.fingerprint AND j.type = 'submitted'))::int AS n,
                    count(*)::int AS all
             FROM claims c`,
          )
          .catch(() => ({ rows: [] }));
        ahead = Math.max(ahead, rows[0]?.n ?? 0);
        most = Math.max(most, rows[0]?.all ?? 0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const first = render(dirs[0]!, url);
    while (sim.stats().jobs.length === 0) await new Promise((r) => setTimeout(r, 5));
    const later = render(dirs[1]!, url);
    const outcomes = await Promise.all([first, later]);
    watching = false;
    await watch;
    await db.end();
    for (const outcome of outcomes) expect(outcome.kind === 'ran' && outcome.summary).toMatchObject({ failed: 0, skipped: 0, pending: 0 });
    // Claiming ahead of a slot queued work behind the first runner's slots while the later one's idled.
    expect(most).toBeGreaterThan(0);
    expect(ahead).toBe(0);
    expect(sim.stats().jobs).toHaveLength(JOBS);
    expect(await readFile(join(dirs[1]!, 'fleet.yaml.lock'), 'utf8')).toBe(await readFile(join(dirs[0]!, 'fleet.yaml.lock'), 'utf8'));
  });
});
