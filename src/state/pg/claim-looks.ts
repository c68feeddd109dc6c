/**
 * Waiters' looks at the shared journal, batched: every look asked in one turn of the event loop goes out
 * as one query over the jobs (unnest), so a run's first look at each of its jobs, or the waiters one
 * NOTIFY wakes, cost one round trip and do not queue ahead of a submission for the pool's connections.
 */
import type pg from 'pg';
import type { JournalRecord } from '../store.js';

/** One job's look: its result (a completion, or a failure written after `after`), its claim's live holder, the journal's last id. */
export interface ClaimLook {
  record: JournalRecord | null;
  holder: string | null;
  last: string | null;
}

interface Asked {
  job: string;
  fingerprint: string;
  after: string | null;
  resolve(look: ClaimLook): void;
  reject(error: unknown): void;
}

export class ClaimLooks {
  private asked: Asked[] = [];

  /** `held(alias, ttl)`: the SQL condition that the claim `alias` is held (fence.ts). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly scope: string,
    private readonly leaseMs: number,
    private readonly held: (alias: string, ttl: string) => string,
  ) {}

  /** `after` null: the first look, which counts no failure (an older one was a try this wait does not follow). */
  look(job: string, fingerprint: string, after: string | null): Promise<ClaimLook> {
    return new Promise((resolve, reject) => {
      if (this.asked.length === 0) setImmediate(() => void this.flush());
      this.asked.push({ job, fingerprint, after, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.asked;
    this.asked = [];
    try {
      const { rows } = await this.pool.query<ClaimLook & { i: string }>(
        `SELECT j.i,
                (SELECT record FROM journal WHERE scope = $1 AND job = j.job AND fingerprint = j.fp
                   AND (type = 'completed' OR (type = 'failed' AND id > coalesce(j.after, l.last)))
                 ORDER BY id DESC LIMIT 1) AS record,
                (SELECT runner_id FROM claims c WHERE c.scope = $1 AND c.fingerprint = j.fp AND c.job = j.job AND ${this.held('c', '$5')}) AS holder,
                l.last
         FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS j(job, fp, after, i)
         CROSS JOIN (SELECT max(id) AS last FROM journal WHERE scope = $1) l`,
        [this.scope, batch.map((a) => a.job), batch.map((a) => a.fingerprint), batch.map((a) => a.after), this.leaseMs],
      );
      const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
      batch.forEach((a, n) => {
        const row = byIndex.get(n + 1);
        a.resolve({ record: row?.record ?? null, holder: row?.holder ?? null, last: row?.last ?? null });
      });
    } catch (error) {
      for (const a of batch) a.reject(error);
    }
  }
}
