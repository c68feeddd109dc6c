// The claim's statements raced on two connections of a real PostgreSQL: a takeover that waits on the
// row lock of a fence (the intent's write, which renews the holder's heartbeat) must see that fence
// once it commits, and leave the claim to its holder.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fenceIntent, takeClaim, writeCompletion, writeResult, writeSubmitted, type Holder } from '../../src/state/pg/fence.js';
import { Holds } from '../../src/state/pg/holds.js';
import { migrate } from '../../src/state/pg/migrations.js';
import { entry, fp, intent } from '../state/builders.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the fence race tests: ${missing}`);

const LEASE_MS = 2_000;

describe.skipIf(missing !== undefined)('the fence and the takeover on two connections', () => {
  const fx = usePostgres('fence');
  let clients: pg.Client[];
  beforeEach(async () => {
    const url = await fx.server.createDatabase();
    clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all(clients.map((c) => c.connect()));
    await migrate(clients[0]!);
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  /** A holder whose heartbeat is older than the lease (a runner that just woke), and a live taker. */
  async function lapsedHolder(): Promise<Holder> {
    const [db] = clients;
    await db!.query(`INSERT INTO runners (id, host, pid, manifest, heartbeat_at) VALUES ('woke', 'h', 1, 's', now() - interval '1 minute'), ('taker', 'h', 2, 's', now())`);
    const token = await takeClaim(db!, { scope: 's', fingerprint: fp(1), job: 'intro' }, 'woke', LEASE_MS);
    expect(token).toBeDefined();
    return { scope: 's', fingerprint: fp(1), job: 'intro', runner: 'woke', token: token! };
  }

  /** Resolves once `pid`'s backend waits on a lock. */
  async function waitingOnLock(pid: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await clients[2]!.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the takeover never waited on the fence');
  }

  it('a takeover blocked by a fence sees the fence once it commits: the holder keeps its claim', async () => {
    const holder = await lapsedHolder();
    const [fencer, taker] = clients as [pg.Client, pg.Client];
    const takerPid = (await taker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await fencer.query('BEGIN');
    const json = JSON.stringify(intent('intro', 'r-woke'));
    expect(await fenceIntent(fencer, holder, { type: 'intent', replyRef: 'r-woke', json }, LEASE_MS)).toBe(true);
    const takeover = takeClaim(taker, holder, 'taker', LEASE_MS);
    await waitingOnLock(takerPid);
    await fencer.query('COMMIT');
    expect(await takeover).toBeUndefined();
    const { rows } = await clients[2]!.query('SELECT runner_id FROM claims');
    expect(rows).toEqual([{ runner_id: 'woke' }]);
  });

  it('a fence blocked by a takeover fails once the takeover commits: no intent is written', async () => {
    const holder = await lapsedHolder();
    const [fencer, taker] = clients as [pg.Client, pg.Client];
    const fencerPid = (await fencer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await taker.query('BEGIN');
    expect(await takeClaim(taker, holder, 'taker', LEASE_MS)).toBeDefined();
    const json = JSON.stringify(intent('intro', 'r-woke'));
    const fence = fenceIntent(fencer, holder, { type: 'intent', replyRef: 'r-woke', json }, LEASE_MS);
    await waitingOnLock(fencerPid);
    await taker.query('COMMIT');
    expect(await fence).toBe(false);
    const { rows } = await clients[2]!.query('SELECT count(*)::int AS n FROM journal');
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('after a takeover, the old holder\'s results are refused, a video it paid for is kept, and a completion returns the first one', async () => {
    const old = await lapsedHolder();
    const [db] = clients;
    const token = await takeClaim(db!, old, 'taker', LEASE_MS);
    expect(token).toBeDefined();
    const taker: Holder = { ...old, runner: 'taker', token: token! };
    const row = (type: string, record: object) => ({ type, replyRef: 'r', json: JSON.stringify(record) });
    expect(await fenceIntent(db!, old, row('intent', intent('intro', 'r-woke')), LEASE_MS)).toBe(false);
    expect(await writeResult(db!, old, row('failed', { type: 'failed' }))).toBe('lost');
    expect(await writeResult(db!, taker, row('abandoned', { type: 'abandoned' }))).toBe('written');
    // The taker recorded v-1; the old holder's POST created v-2: refused as a result, kept as a video.
    expect(await writeSubmitted(db!, taker, row('submitted', { type: 'submitted', videoId: 'v-1' }), 'v-1')).toBe('written');
    expect(await writeSubmitted(db!, old, row('submitted', { type: 'submitted', videoId: 'v-1' }), 'v-1')).toBe('lost');
    expect(await writeSubmitted(db!, old, row('submitted', { type: 'submitted', videoId: 'v-2' }), 'v-2')).toBe('lost');
    const videos = await db!.query<{ v: string; runner_id: string }>(`SELECT record->>'videoId' AS v, runner_id FROM journal WHERE type = 'submitted' ORDER BY id`);
    expect(videos.rows).toEqual([{ v: 'v-1', runner_id: 'taker' }, { v: 'v-2', runner_id: 'woke' }]);
    // Completions: the old holder's alone is refused; once the taker's is in, both get the taker's entry.
    const mine = entry({ videoId: 'v-1', completedAt: '2026-01-01T00:09:00.000Z' });
    const theirs = entry({ videoId: 'v-1', completedAt: '2026-01-01T00:01:00.000Z' });
    const completion = (e: object) => row('completed', { type: 'completed', entry: e });
    expect(await writeCompletion(db!, old, old, completion(mine), 'v-1')).toEqual({ kind: 'lost' });
    const written = await writeCompletion(db!, taker, taker, completion(theirs), 'v-1');
    // Stamped with the database's time, whatever the writer's clock said.
    const dbNow = Date.parse((await db!.query<{ t: Date }>('SELECT now() AS t')).rows[0]!.t.toISOString());
    expect(written.kind === 'written' && Math.abs(Date.parse(written.entry.completedAt) - dbNow)).toBeLessThan(60_000);
    const kept = written.kind === 'written' ? written.entry : theirs;
    expect(kept).toEqual({ ...theirs, completedAt: kept.completedAt });
    expect(await writeCompletion(db!, old, old, completion(mine), 'v-1')).toEqual({ kind: 'kept', entry: kept });
    expect(await writeCompletion(db!, taker, undefined, completion(mine), 'v-1')).toEqual({ kind: 'kept', entry: kept });
    expect((await db!.query(`SELECT 1 FROM journal WHERE type = 'completed'`)).rowCount).toBe(1);
  });

  it('a takeover waits for the POST window of the last intent even when the heartbeat has lapsed', async () => {
    const holder = await lapsedHolder();
    const [db] = clients;
    expect(await fenceIntent(db!, holder, { type: 'intent', replyRef: 'r', json: JSON.stringify(intent('intro', 'r')) }, LEASE_MS)).toBe(true);
    await db!.query(`UPDATE runners SET heartbeat_at = now() - interval '1 minute' WHERE id = 'woke'`);
    expect(await takeClaim(db!, holder, 'taker', LEASE_MS)).toBeUndefined();
    await db!.query(`UPDATE claims SET post_until = now() - interval '1 millisecond'`);
    expect(await takeClaim(db!, holder, 'taker', LEASE_MS)).toBeDefined();
  });
});

describe('the POST deadline of a held claim', () => {
  const clocks = { monotonic: 0, wall: 1_000_000 };
  const holds = () => new Holds('s', 'me', 1_000, { monotonic: () => clocks.monotonic, wall: () => clocks.wall });

  it('allows the POST within the lease of the intent on both clocks, and never without a fenced intent', () => {
    const h = holds();
    h.took('intro', fp(1), '7');
    expect(h.mayPost('intro', fp(1))).toBe(false);
    const written = h.fencing('intro', fp(1));
    clocks.monotonic += 300;
    clocks.wall += 300;
    written();
    expect(h.mayPost('intro', fp(1))).toBe(true);
    clocks.monotonic += 699;
    clocks.wall += 699;
    expect(h.mayPost('intro', fp(1))).toBe(true);
    clocks.monotonic += 1;
    expect(h.mayPost('intro', fp(1))).toBe(false);
    h.released('intro', fp(1));
    expect(h.get('intro', fp(1))).toBeUndefined();
  });

  it('a suspended machine (the wall clock moved, the monotonic one did not) or a stopped process (the reverse) refuses', () => {
    for (const moved of ['wall', 'monotonic'] as const) {
      const h = holds();
      h.took('intro', fp(1), '7');
      h.fencing('intro', fp(1))();
      clocks[moved] += 5_000;
      expect(h.mayPost('intro', fp(1))).toBe(false);
    }
  });
});
