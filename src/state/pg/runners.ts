/** What every runner sharing the database is doing: its heartbeat, the jobs it claims, the slots it holds. */
import type pg from 'pg';
import type { RunnerView } from '../shared.js';

export async function runnerViews(pool: pg.Pool | pg.ClientBase, leaseMs: number): Promise<RunnerView[]> {
  const { rows } = await pool.query<{ id: string; host: string; pid: number; manifest: string; started_at: Date; age: number; live: boolean }>(
    `SELECT id, host, pid, manifest, started_at, extract(epoch FROM now() - heartbeat_at)::float8 AS age,
            (heartbeat_at > now() - $1 * interval '1 millisecond') AS live
     FROM runners WHERE stopped_at IS NULL ORDER BY started_at`,
    [leaseMs],
  );
  const claims = await pool.query<{ runner_id: string; job: string }>('SELECT runner_id, job FROM claims ORDER BY job');
  const slots = await pool.query<{ runner_id: string; account: string; job: string }>('SELECT runner_id, account, job FROM slots WHERE runner_id IS NOT NULL ORDER BY account, n');
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    manifest: r.manifest,
    startedAt: r.started_at.toISOString(),
    heartbeatAgeSeconds: Math.round(r.age * 10) / 10,
    live: r.live,
    claims: claims.rows.filter((c) => c.runner_id === r.id).map((c) => c.job),
    slots: slots.rows.filter((s) => s.runner_id === r.id).map((s) => ({ account: s.account, job: s.job })),
  }));
}
