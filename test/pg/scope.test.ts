// The scope of a manifest in a shared store: the project (its git origin, however it is spelled) and the
// manifest's path in it. Two projects with a manifest of the same name in one database see nothing of
// each other; two checkouts of one project share everything.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runManifest, type RunOutcome } from '../../src/pipeline.js';
import { migrate, MIGRATIONS } from '../../src/state/pg/migrations.js';
import { openPgStore } from '../../src/state/pg/pg-store.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { fp, intent } from '../state/builders.js';
import { gitCheckout } from './git-checkout.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the shared-store scope tests: ${missing}`);

const JOBS = 4;
const manifest = (subject: string) =>
  ['version: 1', 'name: fleet', 'defaults:', '  model: v4.5', '  quality: 360p', '  duration: 5', 'jobs:']
    .concat(Array.from({ length: JOBS }, (_, i) => `  clip${i}:\n    prompt: "${subject} number ${i}"\n    seed: ${i + 1}`))
    .join('\n');

describe.skipIf(missing !== undefined)('the scope of a manifest in a shared store', () => {
  const fx = usePostgres('scope');
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

  async function project(name: string, origin: string, subject: string): Promise<string> {
    const dir = await gitCheckout(join(fx.root, name), origin);
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'renders'), { recursive: true }));
    await writeFile(join(dir, 'renders', 'fleet.yaml'), manifest(subject));
    return dir;
  }

  it('two projects, same manifest name, one database: neither sees the other’s attempts or results', async () => {
    sim = await startSimulator({ timeScale: 0.005, accounts: 1, maxJobs: 4, seed: 3 });
    const url = await fx.server.createDatabase();
    const harbour = await project('harbour', 'git@github.com:acme/harbour.git', 'A paper lantern over a harbour');
    const desert = await project('desert', 'https://github.com/other/desert.git', 'A camel crossing a dune');
    // The harbour leaves its attempts open (--no-wait): another project must not wait for them or keep them aside.
    const left = await render(harbour, url, { noWait: true });
    expect(left.kind === 'ran' && left.summary.pending).toBe(JOBS);
    const desertRun = await render(desert, url);
    expect(desertRun.kind === 'ran' && desertRun.summary).toMatchObject({ failed: 0, skipped: 0, pending: 0 });
    expect(sim.stats().jobs).toHaveLength(2 * JOBS); // the desert submitted its own four
    const aside = await readdir(join(desert, 'renders', '.pixrender', 'aside')).catch(() => []);
    expect(aside).toEqual([]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // No record of one project was written under the other's scope.
      const { rows } = await db.query<{ scope: string; n: number }>(`SELECT scope, count(*)::int AS n FROM journal WHERE type = 'failed' GROUP BY scope`);
      expect(rows).toEqual([]);
    } finally {
      await db.end();
    }
    // The harbour then collects its own attempts.
    const collected = await render(harbour, url);
    expect(collected.kind === 'ran' && collected.summary).toMatchObject({ failed: 0, pending: 0 });
    expect(sim.stats().jobs).toHaveLength(2 * JOBS);
    const harbourLock = JSON.parse(await readFile(join(harbour, 'renders', 'fleet.yaml.lock'), 'utf8'));
    const desertLock = JSON.parse(await readFile(join(desert, 'renders', 'fleet.yaml.lock'), 'utf8'));
    const ids = (lock: { jobs: Record<string, { videoId: string }> }) => new Set(Object.values(lock.jobs).map((e) => e.videoId));
    expect([...ids(harbourLock)].filter((id) => ids(desertLock).has(id))).toEqual([]);
    expect(ids(harbourLock).size).toBe(JOBS);
  });

  it('two checkouts of one project (its origin spelled over ssh and https) share renders', async () => {
    await sim?.close();
    sim = await startSimulator({ timeScale: 0.005, accounts: 1, maxJobs: 4, seed: 4 });
    const url = await fx.server.createDatabase();
    const laptop = await project('laptop', 'git@github.com:acme/teaser.git', 'A kite over a beach');
    const ci = await project('ci', 'https://x-access-token:s3cret@github.com/acme/teaser', 'A kite over a beach');
    expect((await render(laptop, url)).kind).toBe('ran');
    const again = await render(ci, url);
    expect(again.kind === 'ran' && again.summary).toMatchObject({ failed: 0, downloaded: JOBS });
    expect(sim.stats().jobs).toHaveLength(JOBS);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ scope: string }>('SELECT DISTINCT scope FROM journal');
      expect(rows.map((r) => r.scope)).toEqual(['github.com/acme/teaser//renders/fleet.yaml']);
      const runners = await db.query<{ manifest: string }>('SELECT DISTINCT manifest FROM runners');
      expect(JSON.stringify(runners.rows)).not.toContain('s3cret');
    } finally {
      await db.end();
    }
  });

  it('copies of a project outside git share renders by path: the second copy only downloads', async () => {
    await sim?.close();
    sim = await startSimulator({ timeScale: 0.005, accounts: 1, maxJobs: 4, seed: 5 });
    const url = await fx.server.createDatabase();
    const copies = [join(fx.root, 'plain-a'), join(fx.root, 'plain-b')];
    for (const dir of copies) {
      await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'renders'), { recursive: true }));
      await writeFile(join(dir, 'renders', 'fleet.yaml'), manifest('A tram in the snow'));
    }
    expect((await render(copies[0]!, url)).kind).toBe('ran');
    const again = await render(copies[1]!, url);
    expect(again.kind === 'ran' && again.summary).toMatchObject({ failed: 0, downloaded: JOBS });
    expect(sim.stats().jobs).toHaveLength(JOBS);
  });

  it('after the upgrade, rows under the bare file name go to the first project that opens it, and to no other', async () => {
    const url = await fx.server.createDatabase();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // A database of schema version 1, with an open attempt written under the scope "fleet.yaml".
      await migrate(db, MIGRATIONS.filter((m) => m.version === 1));
      await db.query(`INSERT INTO journal (scope, type, job, fingerprint, reply_ref, record) VALUES ('fleet.yaml', 'intent', 'clip0', $1, 'r-old', $2)`, [fp(1), JSON.stringify(intent('clip0', 'r-old'))]);
      const first = await project('first', 'git@github.com:acme/first.git', 'A heron');
      const second = await project('second', 'git@github.com:acme/second.git', 'A heron');
      const open = (dir: string) => openPgStore(join(dir, 'renders', 'fleet.yaml'), { url, env: {} });
      const [a, b] = await Promise.all([open(first), open(second)]);
      try {
        const pending = [(await a.load()).pending, (await b.load()).pending].map((p) => [...p.values()].map((x) => x.replyRef));
        // Whichever opened first took them; the other has nothing.
        expect(pending.sort((x, y) => y.length - x.length)).toEqual([['r-old'], []]);
        const { rows } = await db.query<{ scope: string }>('SELECT scope FROM journal');
        expect(rows.map((r) => r.scope)).toHaveLength(1);
        expect(rows[0]!.scope).toMatch(/^github\.com\/acme\/(first|second)\/\/renders\/fleet\.yaml$/);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await db.end();
    }
  });
});
