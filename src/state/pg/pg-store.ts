/**
 * The shared state store: the journal lives in PostgreSQL (one row per record, in the file journal's
 * shape, keyed by the manifest's scope), so every runner sees every attempt; claims and account slots
 * are leases (leases.ts). Each checkout keeps its own lock file and run lock, as with the file store.
 * A record about a claimed job is written only under the claim's fencing token (writes.ts, fence.ts), so
 * a runner that lost its lease never starts a POST nor records a result; records are read back with the
 * database's time of writing as their `at`, so no runner compares another's clock.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { LockEntry, LockFile } from '../../model.js';
import { writeFileAtomic } from '../atomic.js';
import { StateError } from '../errors.js';
import { readLockFile, refuseSecrets } from '../file-store.js';
import { nodeStateFs, readTextIfExists } from '../fs.js';
import { recordProblem } from '../journal.js';
import { statePaths, type StatePaths } from '../layout.js';
import { portableOutputPath, serializeLock, withPortablePaths } from '../lock-file.js';
import { acquireProcessLock, type ProcessLock } from '../process-lock.js';
import { replay } from '../replay.js';
import type { JournalRecord, StateSnapshot, StateStore } from '../store.js';
import { PgLeases, type LeaseTiming } from './leases.js';
import { RECORD_AT_DB } from './job-state.js';
import { migrate } from './migrations.js';
import { runnerViews } from './runners.js';
import { Connection, databaseError, DEFAULT_CONNECTION, within, type ConnectionTiming } from './connection.js';
import { shownUrl } from '../connection-secrets.js';
import { pruneJournal, retiredVideos } from './prune.js';
import { legacyScope, manifestScope } from './scope.js';
import { writeRecord } from './writes.js';
import type { RunnerView } from '../shared.js';

export interface PgStoreOptions extends Partial<LeaseTiming> {
  /** Bounds on every database call (connection.ts). */
  connection?: Partial<ConnectionTiming>;
  url: string;
  stateDir?: string;
  lockFile?: string;
  secrets?: readonly string[];
  /** Which manifest's records these are. @default the project and the manifest's path in it (scope.ts) */
  scope?: string;
  /** For $PIXRENDER_PROJECT. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_LEASE: LeaseTiming = { leaseMs: 30_000, postGraceMs: 60_000, pollMs: 1_000 };

/** Connections per runner: the first submissions of a run go out together, each on one. */
const POOL_SIZE = 6;

/**
 * Opens the rest of the pool in the background while the run gets ready (plan, accounts), so the first
 * submissions do not each wait for a new connection (a backend process start on the server).
 */
function warm(pool: pg.Pool): void {
  for (let i = 1; i < POOL_SIZE; i++) void pool.connect().then((client) => client.release(), () => undefined);
}

async function connect(url: string, options: { warmUp?: boolean; timing?: Partial<ConnectionTiming>; env?: NodeJS.ProcessEnv } = {}): Promise<Connection> {
  const connection = new Connection(url, { ...DEFAULT_CONNECTION, ...options.timing }, POOL_SIZE, options.env);
  try {
    const client = await within(connection.pool.connect(), connection.timing.timeoutMs, 'timeout connecting');
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await connection.end();
    throw connection.error(error);
  }
  if (options.warmUp) warm(connection.pool);
  return connection;
}

function connectOptions(options: Pick<PgStoreOptions, 'connection' | 'env'>): { timing?: Partial<ConnectionTiming>; env?: NodeJS.ProcessEnv } {
  return { ...(options.connection ? { timing: options.connection } : {}), ...(options.env ? { env: options.env } : {}) };
}

/**
 * Rows written under the manifest's file name before scopes named the project (schema version 2): the
 * first project to open a manifest of that name takes them, in one statement, so no second one can.
 */
async function adoptLegacy(pool: pg.Pool, manifest: string, scope: string): Promise<void> {
  const legacy = legacyScope(manifest);
  if (legacy === scope) return;
  await pool.query(
    `WITH moved AS (DELETE FROM legacy_scopes WHERE scope = $1 RETURNING scope)
     UPDATE journal SET scope = $2 WHERE scope = $1 AND EXISTS (SELECT 1 FROM moved)`,
    [legacy, scope],
  );
}

/** The store's scope for a manifest, and the legacy rows adopted. */
async function scopeOf(pool: pg.Pool, paths: StatePaths, options: PgStoreOptions): Promise<string> {
  const scope = options.scope ?? (await manifestScope(paths.manifest, options.env)).scope;
  await adoptLegacy(pool, paths.manifest, scope);
  return scope;
}

async function loadRecords(pool: pg.Pool, scope: string, url: string): Promise<JournalRecord[]> {
  const { rows } = await pool.query<{ id: string; record: unknown }>(`SELECT id, ${RECORD_AT_DB} AS record FROM journal WHERE scope = $1 ORDER BY id`, [scope]).catch((e: unknown) => {
    throw databaseError(url, e);
  });
  const problems = rows.flatMap((r) => {
    const problem = recordProblem(r.record);
    return problem ? [`row ${r.id}: ${problem}`] : [];
  });
  if (problems.length > 0) throw new StateError('journal-corrupt', `the shared journal of ${scope} in ${shownUrl(url)} is damaged: ${problems.slice(0, 5).join('; ')}`);
  return rows.map((r) => r.record as JournalRecord);
}

async function snapshot(pool: pg.Pool, paths: StatePaths, scope: string, url: string): Promise<StateSnapshot> {
  const lock = await readLockFile(nodeStateFs, paths);
  const [records, retired] = await Promise.all([
    loadRecords(pool, scope, url),
    retiredVideos(pool, scope).catch((e: unknown) => {
      throw databaseError(url, e);
    }),
  ]);
  const { pending, uploads, failed, superseded, claimedVideoIds, results, lock: merged } = replay(records, lock);
  return { lock: merged, pending, uploads, failed, superseded, results, claimedVideoIds: new Set([...(claimedVideoIds ?? []), ...retired]) };
}

/** Reads the shared state without taking the run lock (for `plan` and `status`). */
export async function readPgSnapshot(manifestFile: string, options: PgStoreOptions): Promise<StateSnapshot> {
  const paths = statePaths(manifestFile, options.stateDir, options.lockFile);
  const connection = await connect(options.url, connectOptions(options));
  try {
    const scope = await scopeOf(connection.pool, paths, options).catch((e: unknown) => {
      throw connection.error(e);
    });
    return await snapshot(connection.pool, paths, scope, options.url);
  } finally {
    await connection.end();
  }
}

/** Opens the shared store for a run: the checkout's run lock, the database (migrated), a runner row and its heartbeat. */
export async function openPgStore(manifestFile: string, options: PgStoreOptions): Promise<StateStore> {
  const paths = statePaths(manifestFile, options.stateDir, options.lockFile);
  await nodeStateFs.mkdir(paths.stateDir, { recursive: true });
  const runLock = await acquireProcessLock(paths.pid, { fs: nodeStateFs });
  let connection: Connection | undefined;
  try {
    connection = await connect(options.url, { warmUp: true, ...connectOptions(options) });
    const pool = connection.pool;
    const scope = await scopeOf(pool, paths, options);
    const host = hostname();
    const runner = `${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const timing: LeaseTiming = {
      leaseMs: options.leaseMs ?? DEFAULT_LEASE.leaseMs,
      postGraceMs: options.postGraceMs ?? DEFAULT_LEASE.postGraceMs,
      pollMs: options.pollMs ?? Math.min(DEFAULT_LEASE.pollMs, Math.max(20, Math.floor((options.leaseMs ?? DEFAULT_LEASE.leaseMs) / 4))),
    };
    const leases = new PgLeases(pool, scope, runner, timing, connection.clientConfig());
    await leases.start({ host, pid: process.pid, manifest: scope });
    return new PgStateStore(paths, connection, scope, options.url, leases, runLock, options.secrets ?? []);
  } catch (error) {
    await connection?.end();
    await runLock.release();
    throw connection ? connection.error(error) : databaseError(options.url, error, options.env);
  }
}

class PgStateStore implements StateStore {
  private lockWrites: Promise<unknown> = Promise.resolve();
  private closing?: Promise<void>;

  constructor(
    private readonly paths: StatePaths,
    private readonly connection: Connection,
    private readonly scope: string,
    private readonly url: string,
    readonly shared: PgLeases,
    private readonly runLock: ProcessLock,
    private readonly secrets: readonly string[],
  ) {}

  private get pool(): pg.Pool {
    return this.connection.pool;
  }

  load(): Promise<StateSnapshot> {
    return snapshot(this.pool, this.paths, this.scope, this.url);
  }

  async append(record: JournalRecord): Promise<void> {
    await this.write(record);
  }

  /** The first completion of a video in the shared journal is the entry every checkout records (writes.ts). */
  async complete(record: Extract<JournalRecord, { type: 'completed' }>): Promise<LockEntry> {
    return (await this.write(record)) ?? record.entry;
  }

  /** Writes a record (through the claim's fence when it is about a claimed job: writes.ts). */
  private async write(record: JournalRecord): Promise<LockEntry | undefined> {
    if (this.closing) throw new StateError('closed', 'the state store is closed');
    const stored: JournalRecord =
      record.type === 'completed' ? { ...record, entry: { ...record.entry, output: portableOutputPath(record.entry.output, this.paths.manifestDir) } } : record;
    const problem = recordProblem(stored);
    if (problem) throw new TypeError(`not a journal record: ${problem}`);
    const json = JSON.stringify(stored);
    refuseSecrets(json, this.secrets, `the state database ${shownUrl(this.url)}`);
    let kept: LockEntry | undefined;
    try {
      kept = await writeRecord(this.pool, this.shared, this.scope, stored, json);
    } catch (error) {
      throw databaseError(this.url, error);
    }
    if (stored.type === 'completed' || stored.type === 'failed') await this.shared.notify(stored.job);
    return kept;
  }

  writeLock(lock: LockFile): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('closed', 'the state store is closed'));
    let text: string;
    try {
      text = serializeLock(withPortablePaths(lock, this.paths.manifestDir));
      refuseSecrets(text, this.secrets, this.paths.lock);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serialLock(() => writeFileAtomic(this.paths.lock, text, nodeStateFs));
  }

  /**
   * Folds the shared completions into this checkout's lock, then prunes the shared journal (prune.ts): the
   * last completion per job and fingerprint stays for the other checkouts.
   */
  compact(): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('closed', 'the state store is closed'));
    return this.serialLock(async () => {
      const text = serializeLock((await this.load()).lock);
      if ((await readTextIfExists(nodeStateFs, this.paths.lock)) !== text) await writeFileAtomic(this.paths.lock, text, nodeStateFs);
      await pruneJournal(this.pool, this.scope).catch((error: unknown) => {
        throw databaseError(this.url, error);
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.lockWrites.catch(() => undefined);
      // Leases are given back while the database answers; a stalled one cannot hold the exit up.
      await within(this.shared.stop(), this.connection.timing.timeoutMs, 'timeout').catch(() => undefined);
      await this.connection.end();
      await this.runLock.release();
    })();
    return this.closing;
  }

  private serialLock<T>(task: () => Promise<T>): Promise<T> {
    const result = this.lockWrites.then(task);
    this.lockWrites = result.catch(() => undefined);
    return result;
  }
}

/** Every runner the database knows that has not stopped (a dead one shows until its rows are reused). */
export async function readRunners(url: string, leaseMs = DEFAULT_LEASE.leaseMs, options: Pick<PgStoreOptions, 'connection' | 'env'> = {}): Promise<RunnerView[]> {
  const connection = await connect(url, connectOptions(options));
  try {
    return await runnerViews(connection.pool, leaseMs);
  } finally {
    await connection.end();
  }
}
