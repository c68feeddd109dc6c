// Claims and account slots as leases in a real PostgreSQL: who renders, takeover from a dead runner,
// the fence that keeps a runner that lost its lease from submitting, and slot accounting.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRunners } from '../../src/commands/runners.js';
import { sharedRunners } from '../../src/state/open-store.js';
import { MIGRATIONS } from '../../src/state/pg/migrations.js';
import { openPgStore } from '../../src/state/pg/pg-store.js';
import { isStateError, type StateStore } from '../../src/state/store.js';
import { fp, intent } from '../state/builders.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the lease tests: ${missing}`);

describe.skipIf(missing !== undefined)('leases in PostgreSQL', () => {
  const fx = usePostgres('leases');
  let url: string;
  let db: pg.Client;
  const stores: StateStore[] = [];
  beforeEach(async () => {
    url = await fx.server.createDatabase();
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await db.end();
  });

  /** A checkout of show.yaml in its own folder, with a long lease so its own heartbeat never interferes. */
  async function runner(name: string, leaseMs = 60_000): Promise<StateStore> {
    const dir = join(fx.root, `${name}-${Math.random().toString(16).slice(2)}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'show.yaml'), 'jobs: {}\n');
    const store = await openPgStore(join(dir, 'show.yaml'), { url, leaseMs, postGraceMs: 0, pollMs: 5_000, scope: 'show.yaml' });
    stores.push(store);
    return store;
  }

  it('the first claim renders; a second runner is told who holds it, and gets it once released', async () => {
    const a = await runner('a');
    const b = await runner('b');
    expect((await a.shared!.claim('intro', fp(1))).kind).toBe('mine');
    expect(await b.shared!.claim('intro', fp(1))).toEqual({ kind: 'held', runner: a.shared!.runner });
    // Another version of the job is another claim.
    expect((await b.shared!.claim('intro', fp(2))).kind).toBe('mine');
    await a.shared!.release('intro', fp(1));
    expect((await b.shared!.claim('intro', fp(1))).kind).toBe('mine');
  });

  it('a dead runner loses its claim when its heartbeat is older than the lease; the taker gets its open attempt', async () => {
    const b = await runner('b', 2_000);
    await db.query(`INSERT INTO runners (id, host, pid, manifest, heartbeat_at) VALUES ('dead', 'gone', 1, 'show.yaml', now() - interval '1 minute')`);
    await db.query(`INSERT INTO claims (scope, fingerprint, job, runner_id) VALUES ('show.yaml', $1, 'intro', 'dead')`, [fp(1)]);
    await db.query(`INSERT INTO journal (scope, type, job, fingerprint, reply_ref, record, runner_id) VALUES ('show.yaml', 'intent', 'intro', $1, 'r-dead', $2, 'dead')`, [
      fp(1),
      JSON.stringify(intent('intro', 'r-dead')),
    ]);
    const claim = await b.shared!.claim('intro', fp(1));
    expect(claim.kind).toBe('mine');
    expect(claim.kind === 'mine' && claim.pending).toMatchObject({ replyRef: 'r-dead', job: 'intro' });
    expect(claim.kind === 'mine' && claim.pending?.videoId).toBeUndefined();
  });

  it('a runner whose claim was taken over cannot journal an intent, so it never POSTs', async () => {
    const a = await runner('a');
    const b = await runner('b');
    expect((await a.shared!.claim('intro', fp(1))).kind).toBe('mine');
    await db.query(`UPDATE runners SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [a.shared!.runner]);
    expect((await b.shared!.claim('intro', fp(1))).kind).toBe('mine');
    await expect(a.append(intent('intro', 'r-a'))).rejects.toSatisfy((e) => isStateError(e, 'lease-lost'));
    await b.append(intent('intro', 'r-b'));
    expect([...(await b.load()).pending.values()].map((p) => p.replyRef)).toEqual(['r-b']);
  });

  it('a waiter learns the holder failed, or that the claim came free', async () => {
    const a = await runner('a');
    const b = await runner('b');
    await a.shared!.claim('intro', fp(1));
    const waiting = b.shared!.waitForClaim('intro', fp(1));
    await new Promise((r) => setTimeout(r, 100));
    await a.append({ type: 'failed', job: 'intro' as never, fingerprint: fp(1), reason: 'moderated', status: 7, at: new Date().toISOString() });
    expect(await waiting).toEqual({ kind: 'failed', reason: 'moderated', status: 7 });
    await a.shared!.claim('outro', fp(3));
    const free = b.shared!.waitForClaim('outro', fp(3));
    await a.shared!.release('outro', fp(3));
    expect(await free).toEqual({ kind: 'free' });
  });

  it('account slots sum to maxJobs across runners; a release wakes a waiter at once; a dead runner’s slots come back', async () => {
    const a = await runner('a', 1_000);
    const b = await runner('b', 1_000);
    await a.shared!.useAccounts([{ email: 'one@x', maxJobs: 1 }, { email: 'two@x', maxJobs: 1 }]);
    await b.shared!.useAccounts([{ email: 'one@x', maxJobs: 1 }, { email: 'two@x', maxJobs: 1 }]);
    const first = await a.shared!.takeSlot('j1');
    const second = await b.shared!.takeSlot('j2');
    expect(new Set([first?.account, second?.account])).toEqual(new Set(['one@x', 'two@x']));
    const started = Date.now();
    const third = b.shared!.takeSlot('j3');
    await new Promise((r) => setTimeout(r, 200));
    await first!.release();
    expect((await third)?.account).toBe(first!.account);
    expect(Date.now() - started).toBeLessThan(2_000); // woken by NOTIFY, not the 5 s poll
    const view = await a.shared!.runners();
    expect(view.find((r) => r.id === b.shared!.runner)?.slots.map((s) => s.job).sort()).toEqual(['j2', 'j3']);
    // Every slot held by a runner that died without giving anything back: after its lease, they are free.
    await db.query(`INSERT INTO runners (id, host, pid, manifest, heartbeat_at) VALUES ('dead', 'gone', 1, 'show.yaml', now() - interval '1 minute')`);
    await db.query(`UPDATE slots SET runner_id = 'dead', job = 'old'`);
    expect((await a.shared!.takeSlot('j4'))?.account).toBeDefined();
  });

  it('status lists every runner with the jobs it renders, the slots it holds and its heartbeat; never the password', async () => {
    const a = await runner('a');
    await a.shared!.useAccounts([{ email: 'one@x', maxJobs: 2 }]);
    await a.shared!.claim('intro', fp(1));
    await a.shared!.takeSlot('intro');
    await db.query(`INSERT INTO runners (id, host, pid, manifest, heartbeat_at) VALUES ('ci-7:99:dead', 'ci-7', 99, 'show.yaml', now() - interval '5 minutes')`);
    const secretUrl = url.replace('postgres@', 'postgres:hunter2secret@');
    const shared = await sharedRunners({ env: { PIXRENDER_STORE: secretUrl } });
    const text = formatRunners(shared!.store, shared!.runners);
    expect(text).toContain(`${a.shared!.runner}  show.yaml: renders intro; slots one@x (intro); heartbeat`);
    expect(text).toMatch(/ci-7:99:dead {2}show\.yaml: renders nothing; no heartbeat for \d+(\.\d)? s: presumed dead/);
    expect(text).not.toContain('hunter2secret');
  });

  it('migrations run once, recorded in schema_version, however many runners open the database at once', async () => {
    await Promise.all(['a', 'b', 'c'].map((n) => runner(n)));
    const { rows } = await db.query('SELECT version FROM schema_version ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
