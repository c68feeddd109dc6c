/**
 * Claims and account slots as leases in PostgreSQL (see ../shared.ts). A lease is a row naming a runner;
 * it is live while that runner's heartbeat (runners.heartbeat_at, the database's clock) is younger than
 * the lease time, so a runner killed -9 loses every lease at once when its heartbeat stops. Taking one
 * over is a single conditional write; slots are taken with FOR UPDATE SKIP LOCKED so runners never wait
 * on each other's row locks. A NOTIFY on every release wakes waiters; polling is the fallback.
 */
import pg from 'pg';
import { onAbort } from '../../abort.js';
import type { LockEntry } from '../../model.js';
import type { Account, ClaimResult, ClaimWait, RunnerView, SchedulerLook, SharedState, SlotLease, SlotTurn } from '../shared.js';
import { ClaimLooks } from './claim-looks.js';
import { held, live, takeClaim, type Holder } from './fence.js';
import { Holds } from './holds.js';
import { jobState } from './job-state.js';
import { Listener } from './listener.js';
import { runnerViews } from './runners.js';

export interface LeaseTiming {
  /** A lease lapses when its runner's heartbeat is older than this. */
  leaseMs: number;
  /** How long a POST may take to answer or time out: a taker reconciles an intent only after the lease plus this (job-state.ts). */
  postGraceMs: number;
  /** Longest wait between looks when no notification comes. */
  pollMs: number;
}

export const CHANNEL = 'pixrender';
/** Another channel for poll results, so claim and slot waiters are not woken by them. */
export const LOOKS = 'pixrender_looks';
/** NOTIFY payloads must stay under 8000 bytes; a larger look is not shared (the others poll as usual). */
const MAX_LOOK_BYTES = 7_800;


export class PgLeases implements SharedState {
  private heartbeat: NodeJS.Timeout | undefined;
  private listener: Listener | undefined;
  /** Sleeping waiters by what wakes them: `slot`, or `claim <scope> <job>`. */
  private readonly wakers = new Map<string, Set<() => void>>();
  private hasSlots = false;
  private readonly lookListeners: ((look: SchedulerLook) => void)[] = [];
  private readonly looks: ClaimLooks;
  private stopped = false;
  /** The claims this runner took in this run: their tokens and POST deadlines. */
  readonly holds: Holds;

  constructor(
    private readonly pool: pg.Pool,
    private readonly scope: string,
    readonly runner: string,
    private readonly timing: LeaseTiming,
    private readonly connection: pg.ClientConfig,
  ) {
    this.looks = new ClaimLooks(pool, scope, timing.leaseMs, held);
    this.holds = new Holds(scope, runner, timing.leaseMs);
  }

  get leaseMs(): number {
    return this.timing.leaseMs;
  }

  mayPost(job: string, fingerprint: string): boolean {
    return this.holds.mayPost(job, fingerprint);
  }

  /** The claim of a job as this runner took it, if it did. */
  holder(job: string, fingerprint: string): Holder | undefined {
    return this.holds.get(job, fingerprint);
  }

  async start(info: { host: string; pid: number; manifest: string }): Promise<void> {
    await this.pool.query('INSERT INTO runners (id, host, pid, manifest) VALUES ($1, $2, $3, $4)', [this.runner, info.host, info.pid, info.manifest]);
    this.heartbeat = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.timing.leaseMs / 3)));
    this.heartbeat.unref();
    await this.listen().catch(() => undefined); // without notifications, waiters poll
  }

  private async beat(): Promise<void> {
    await this.pool.query('UPDATE runners SET heartbeat_at = now() WHERE id = $1 AND stopped_at IS NULL', [this.runner]).catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const listener = new Listener(this.connection, [CHANNEL, LOOKS], (message) => (message.channel === LOOKS ? this.heard(message.payload ?? '') : this.wake(message.payload ?? '')), () => this.wakeAll());
    await listener.start();
    this.listener = listener;
  }

  private wakeAll(): void {
    for (const set of this.wakers.values()) for (const wake of [...set]) wake();
  }

  private wake(topic: string): void {
    for (const wake of [...(this.wakers.get(topic) ?? [])]) wake();
  }

  private claimTopic(job: string): string {
    return `claim ${this.scope} ${job}`;
  }

  /** Sleeps up to `ms`, less when a notification arrives or the signal fires. */
  private nap(topic: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.wakers.get(topic) ?? new Set<() => void>();
      this.wakers.set(topic, set);
      let stopWaiting = (): void => undefined;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.wakers.get(topic) === set) this.wakers.delete(topic);
        stopWaiting();
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      stopWaiting = onAbort(signal, done);
    });
  }

  /** Wakes the waiters of a job's claim (`job`), or of a slot (no job). */
  async notify(job?: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, job === undefined ? 'slot' : this.claimTopic(job)]).catch(() => undefined);
  }

  async useAccounts(accounts: readonly Account[]): Promise<void> {
    for (const { email, maxJobs } of accounts) {
      await this.pool.query('INSERT INTO slots (account, n) SELECT $1, g FROM generate_series(0, $2::int - 1) g ON CONFLICT DO NOTHING', [email, maxJobs]);
      // An account whose maxJobs went down: drop the rows above it that nobody live holds.
      await this.pool.query(`DELETE FROM slots s WHERE account = $1 AND n >= $2 AND (runner_id IS NULL OR NOT ${live('s', '$3')})`, [email, maxJobs, this.timing.leaseMs]);
    }
    this.hasSlots = accounts.some((a) => a.maxJobs > 0);
  }

  async claim(job: string, fingerprint: string): Promise<ClaimResult> {
    const key = { scope: this.scope, fingerprint, job };
    for (;;) {
      const token = await takeClaim(this.pool, key, this.runner, this.timing.leaseMs);
      if (token !== undefined) {
        this.holds.took(job, fingerprint, token);
        return { kind: 'mine', ...(await jobState(this.pool, this.scope, job, fingerprint, this.timing)) };
      }
      const holder = await this.pool.query<{ runner_id: string }>('SELECT runner_id FROM claims WHERE scope = $1 AND fingerprint = $2 AND job = $3', [this.scope, fingerprint, job]);
      const runner = holder.rows[0]?.runner_id;
      if (runner) return { kind: 'held', runner };
      // Released between the two statements: try again.
    }
  }

  async waitForClaim(job: string, fingerprint: string, signal?: AbortSignal, onWait?: (runner: string) => void): Promise<ClaimWait> {
    // Failures count only from the first look on: an older one was a try this wait does not follow.
    let after: string | null = null;
    let told = false;
    for (;;) {
      if (signal?.aborted || this.stopped) return { kind: 'stopped' };
      const look = await this.looks.look(job, fingerprint, after);
      after ??= look.last ?? '0';
      const record = look.record;
      if (record?.type === 'completed') return { kind: 'completed', entry: record.entry as LockEntry };
      if (record?.type === 'failed') return { kind: 'failed', reason: record.reason, ...(record.status !== undefined ? { status: record.status } : {}) };
      if (!look.holder || look.holder === this.runner) return { kind: 'free' };
      if (!told) onWait?.(look.holder);
      told = true;
      // A result or a release is announced; only a runner's death is not, and the lease takes longer than this anyway.
      await this.nap(this.claimTopic(job), this.timing.leaseMs / 2, signal);
    }
  }

  async release(job: string, fingerprint: string): Promise<void> {
    this.holds.released(job, fingerprint);
    await this.pool.query('DELETE FROM claims WHERE scope = $1 AND fingerprint = $2 AND job = $3 AND runner_id = $4', [this.scope, fingerprint, job, this.runner]);
    await this.notify(job);
  }

  async takeSlot(job: string, signal?: AbortSignal, account?: string): Promise<SlotLease | undefined> {
    const turn = await this.slotFor(job, undefined, signal, account);
    return turn.kind === 'slot' ? turn.lease : undefined;
  }

  /**
   * Waits for a free slot; with a fingerprint, gives up as soon as another live runner claims that job
   * (checked in the same statement that takes the slot), so a job claimed elsewhere never takes a slot here.
   */
  async slotFor(job: string, fingerprint: string | undefined, signal?: AbortSignal, account?: string): Promise<SlotTurn> {
    if (!this.hasSlots) return { kind: 'none' };
    for (;;) {
      if (signal?.aborted || this.stopped) return { kind: 'stopped' };
      const { rows } = await this.pool.query<{ holder: string | null; account: string | null; n: number | null }>(
        `WITH other AS (SELECT c.runner_id FROM claims c WHERE $4::text IS NOT NULL AND c.scope = $5 AND c.fingerprint = $4 AND c.job = $2 AND c.runner_id <> $1 AND ${held('c', '$3')}),
              taken AS (UPDATE slots s SET runner_id = $1, job = $2, taken_at = now()
                 WHERE NOT EXISTS (SELECT 1 FROM other) AND (s.account, s.n) = (
                   SELECT f.account, f.n FROM slots f WHERE ($6::text IS NULL OR lower(f.account) = lower($6) OR NOT EXISTS (SELECT 1 FROM slots x WHERE lower(x.account) = lower($6))) AND (f.runner_id IS NULL OR NOT ${live('f', '$3')})
                   ORDER BY f.n, f.account LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING s.account, s.n)
         SELECT (SELECT runner_id FROM other LIMIT 1) AS holder, taken.account, taken.n FROM (SELECT 1) one LEFT JOIN taken ON true`,
        [this.runner, job, this.timing.leaseMs, fingerprint ?? null, this.scope, account ?? null],
      );
      const row = rows[0];
      if (row?.holder) return { kind: 'held', runner: row.holder };
      if (row?.account != null && row.n != null) {
        const { account, n } = row;
        const release = async () => {
          await this.pool.query('UPDATE slots SET runner_id = NULL, job = NULL, taken_at = NULL WHERE account = $1 AND n = $2 AND runner_id = $3', [account, n, this.runner]);
          await this.notify();
        };
        return { kind: 'slot', lease: { account, release } };
      }
      await this.nap('slot', this.timing.pollMs, signal);
    }
  }

  runners(): Promise<RunnerView[]> {
    return runnerViews(this.pool, this.timing.leaseMs);
  }

  publishLook(look: SchedulerLook): void {
    const payload = JSON.stringify({ runner: this.runner, scope: this.scope, ...look });
    if (Buffer.byteLength(payload) > MAX_LOOK_BYTES || this.stopped) return;
    void this.pool.query('SELECT pg_notify($1, $2)', [LOOKS, payload]).catch(() => undefined);
  }

  onLook(listener: (look: SchedulerLook) => void): void {
    this.lookListeners.push(listener);
  }

  private heard(payload: string): void {
    let look: Partial<SchedulerLook & { runner: string }>;
    try {
      look = JSON.parse(payload) as Partial<SchedulerLook & { runner: string }>;
    } catch {
      return;
    }
    if (look.runner === this.runner || !Array.isArray(look.accounts) || !Array.isArray(look.executing) || typeof look.tookMs !== 'number') return;
    const heard: SchedulerLook = { accounts: look.accounts.map(String), executing: look.executing.map(String), tookMs: look.tookMs };
    for (const listener of this.lookListeners) listener(heard);
  }


  /** Gives back every lease of this runner and marks it stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.wakeAll();
    await this.pool.query('UPDATE slots SET runner_id = NULL, job = NULL, taken_at = NULL WHERE runner_id = $1', [this.runner]).catch(() => undefined);
    const claimed = await this.pool.query<{ job: string }>('DELETE FROM claims WHERE runner_id = $1 RETURNING job', [this.runner]).catch(() => ({ rows: [] as { job: string }[] }));
    await this.pool.query('UPDATE runners SET stopped_at = now() WHERE id = $1', [this.runner]).catch(() => undefined);
    await this.notify();
    for (const { job } of claimed.rows) await this.notify(job);
    await this.listener?.stop();
  }
}
