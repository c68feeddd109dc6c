/**
 * The shared store's schema, as numbered migrations. Each runs once, in one transaction with the row
 * that records it in schema_version; an advisory lock makes runners that start together take turns, so
 * a migration never runs twice or half. Append new migrations; never edit one that has shipped.
 */
import type pg from 'pg';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runners, shared journal, fingerprint claims, account slots',
    sql: `
      CREATE TABLE runners (
        id           text PRIMARY KEY,
        host         text NOT NULL,
        pid          integer NOT NULL,
        manifest     text NOT NULL,
        started_at   timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        stopped_at   timestamptz
      );
      -- One row per journal record, in the file journal's shape (record), keyed by the manifest's scope.
      CREATE TABLE journal (
        id          bigserial PRIMARY KEY,
        scope       text NOT NULL,
        type        text NOT NULL,
        job         text,
        fingerprint text,
        reply_ref   text,
        record      jsonb NOT NULL,
        runner_id   text,
        written_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX journal_scope_id ON journal (scope, id);
      CREATE INDEX journal_scope_fingerprint ON journal (scope, fingerprint, id);
      -- Who renders a job's fingerprint: live while its runner's heartbeat is fresh.
      CREATE TABLE claims (
        scope       text NOT NULL,
        fingerprint text NOT NULL,
        job         text NOT NULL,
        runner_id   text NOT NULL,
        claimed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, fingerprint, job)
      );
      -- maxJobs rows per account; a row with a live runner is a slot in use.
      CREATE TABLE slots (
        account   text NOT NULL,
        n         integer NOT NULL,
        runner_id text,
        job       text,
        taken_at  timestamptz,
        PRIMARY KEY (account, n)
      );
    `,
  },
  {
    version: 2,
    description: 'scopes name the project and the manifest path; the file-name scopes before it wait to be adopted',
    sql: `
      -- Scopes written before this version: each is moved, once, to the first project that opens a
      -- manifest of that file name (pg-store.ts adoptLegacy).
      CREATE TABLE legacy_scopes (scope text PRIMARY KEY);
      INSERT INTO legacy_scopes SELECT DISTINCT scope FROM journal;
    `,
  },
  {
    version: 3,
    description: 'video ids of compacted journal rows',
    sql: `
      -- Videos of rows deleted by compaction (prune.ts): still owned by their jobs, never adopted by another.
      CREATE TABLE retired_videos (
        scope    text NOT NULL,
        video_id text NOT NULL,
        PRIMARY KEY (scope, video_id)
      );
    `,
  },
  {
    version: 4,
    description: 'fencing tokens and POST windows on claims',
    sql: `
      -- A claim's token is new at every take; its holder's journal writes are conditional on it (fence.ts).
      CREATE SEQUENCE claim_tokens;
      ALTER TABLE claims ADD COLUMN token bigint NOT NULL DEFAULT nextval('claim_tokens');
      -- Until when the holder may start the POST of its last intent (database clock): no takeover before.
      ALTER TABLE claims ADD COLUMN post_until timestamptz;
    `,
  },
];

/** An arbitrary constant: the advisory lock every runner takes while migrating. */
const MIGRATION_LOCK = 0x70697872;

/** Applies the migrations the database lacks; returns the schema version it ends at. */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    let current = rows[0]?.v ?? 0;
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    if (current > newest) throw new Error(`the database's schema is version ${current}, newer than this pixrender knows (${newest}); upgrade pixrender`);
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [m.version, m.description]);
      current = m.version;
    }
    await client.query('COMMIT');
    return current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
