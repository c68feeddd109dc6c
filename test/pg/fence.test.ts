// The claim's statements raced on two connections of a real PostgreSQL: a takeover that waits on the
// row lock of a fence (the intent's write, which renews the holder's heartbeat) must see that fence
// once it commits, and leave the claim to its holder.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fenceIntent, takeClaim, type Holder } from '../../src/state/pg/fence.js';
import { migrate } from '../../src/state/pg/migrations.js';
import { fp, intent } from '../state/builders.js';
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
});
