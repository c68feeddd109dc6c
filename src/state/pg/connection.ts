/**
 * The connections to the shared database, with bounds on time. Every database call of the store ends
 * within `timeoutMs` (connecting, reconnecting and the statement itself): the server cancels a statement
 * after it (statement_timeout), the driver gives up on an answer after what is left of it (query_timeout),
 * and TCP keepalive finds a peer that vanished. A connection lost to a restart (the server refused or
 * closed it, or aborted the statement: it did not commit) is opened again and the statement sent again
 * until the time is up; a write whose outcome the loss left unknown is not sent twice. Every failure
 * becomes the one state-database error (StateError `database`, one line, passwords redacted).
 */
import { Socket } from 'node:net';
import pg from 'pg';
import { StateError } from '../errors.js';
import { redactConnection, shownUrl } from '../connection-secrets.js';

export interface ConnectionTiming {
  /** The longest one database call may take, reconnecting included. @default 15000 */
  timeoutMs: number;
}

export const DEFAULT_CONNECTION: ConnectionTiming = { timeoutMs: 15_000 };

/** SQLSTATEs that say the server ended the session before the statement committed: sending it again is safe. */
const NOT_COMMITTED = new Set(['57P01', '57P02', '57P03', '53300']);
const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 1_000;
/** A call's time once an outage has lasted its whole window. */
const PROBE_MS = 1_000;

const sqlState = (error: unknown): string => String((error as { code?: unknown }).code ?? '');
/** An answer from the server carries a SQLSTATE; the driver's own errors (a lost socket, a timeout) do not. */
const hasSqlState = (error: unknown): boolean => /^[0-9A-Z]{5}$/.test(sqlState(error));

/** The one error every failure of the shared database becomes, without any secret of the connection string. */
export function databaseError(url: string, error: unknown, env: NodeJS.ProcessEnv = process.env): StateError {
  if (error instanceof StateError) return error;
  const redact = redactConnection(url, env);
  const message = error instanceof Error ? error.message : String(error);
  return new StateError('database', `the state database ${shownUrl(url)} failed: ${redact(message).split('\n')[0]}`);
}

/** Driver settings for one connection: server-side timeouts, keepalive, and a socket the owner can destroy. */
export function clientConfig(url: string, timing: ConnectionTiming, socket: () => Socket): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'pixrender',
    connectionTimeoutMillis: timing.timeoutMs,
    statement_timeout: timing.timeoutMs,
    idle_in_transaction_session_timeout: timing.timeoutMs,
    query_timeout: timing.timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: Math.min(10_000, timing.timeoutMs),
    stream: socket,
  };
}

/** A read sends nothing that a second copy could change (a data-modifying CTE is a write). */
const isRead = (text: string): boolean => /^\s*select\b/i.test(text) && !/\b(insert|update|delete)\b/i.test(text);

type Phase = 'connect' | 'query';

/** May the statement be sent again after this failure? Only when it did not (or cannot have) changed anything. */
function retryable(phase: Phase, error: unknown, text: string): boolean {
  if (phase === 'connect' || NOT_COMMITTED.has(sqlState(error))) return true;
  // Another answer from the server is final; a lost connection leaves a write's outcome unknown. (A statement
  // that ran out of time has no time left to be sent again: the deadline decides that.)
  return !hasSqlState(error) && isRead(text);
}

class Failed extends Error {
  constructor(
    readonly phase: Phase,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** The pool of one runner (or one `status`), with the bounded, reconnecting query above. */
export class Connection {
  readonly pool: pg.Pool;
  private readonly sockets = new Set<Socket>();
  /** When a call first found the database away (unreachable, restarting, or not answering); cleared by an answer. */
  private downSince: number | undefined;

  constructor(
    private readonly url: string,
    readonly timing: ConnectionTiming,
    size: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.pool = new pg.Pool({ ...clientConfig(url, timing, () => this.socket()), max: size });
    // An idle client whose server went away must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
    // Nor one that is checked out (between statements, or in a transaction): its statement is rejected anyway.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    // Every caller of the store (leases, looks, prune) goes through the bounded query.
    this.pool.query = ((text: string | pg.QueryConfig, values?: unknown[]) => this.query(text, values)) as pg.Pool['query'];
  }

  /** Driver settings for a connection of its own (LISTEN), tracked like the pool's. */
  clientConfig(): pg.ClientConfig {
    return clientConfig(this.url, this.timing, () => this.socket());
  }

  error(error: unknown): StateError {
    return databaseError(this.url, error instanceof Failed ? error.error : error, this.env);
  }

  private socket(): Socket {
    const socket = new Socket();
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }

  async query<R extends pg.QueryResultRow>(textOrConfig: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text;
    const params = values ?? (typeof textOrConfig === 'string' ? undefined : textOrConfig.values);
    const deadline = this.deadline();
    for (let retry = 0; ; retry++) {
      try {
        const result = await this.attempt<R>(text, params, deadline);
        this.downSince = undefined;
        return result;
      } catch (error) {
        const failed = error instanceof Failed ? error : new Failed('query', error);
        const lost = failed.phase === 'connect' || !hasSqlState(failed.error) || NOT_COMMITTED.has(sqlState(failed.error));
        if (lost) this.downSince ??= Date.now();
        const wait = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** retry);
        if (this.pool.ending || !retryable(failed.phase, failed.error, text) || Date.now() + wait >= deadline) throw this.error(failed);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * When this call must end. An outage is one window for every call: calls made while the database is away
   * wait for it together, up to the timeout after it was first missed; after that, each call gets one
   * short try (a healed database answers it and the outage ends), so a run that lost its database ends
   * in about one timeout, not one per call.
   */
  private deadline(): number {
    const now = Date.now();
    const own = now + this.timing.timeoutMs;
    if (this.downSince === undefined) return own;
    const outage = this.downSince + this.timing.timeoutMs;
    return outage > now ? Math.min(own, outage) : now + Math.min(this.timing.timeoutMs, PROBE_MS);
  }

  private async attempt<R extends pg.QueryResultRow>(text: string, values: unknown[] | undefined, deadline: number): Promise<pg.QueryResult<R>> {
    const client = await within(this.pool.connect(), deadline - Date.now(), 'timeout connecting').catch((error: unknown) => {
      throw new Failed('connect', error);
    });
    try {
      const result = await client.query<R>({ text, ...(values ? { values } : {}), query_timeout: Math.max(1, deadline - Date.now()) } as pg.QueryConfig);
      client.release();
      return result;
    } catch (error) {
      // The connection may be stuck in the statement or gone: never hand it out again.
      client.release(error instanceof Error ? error : true);
      throw new Failed('query', error);
    }
  }

  /** Ends the pool within the time of one call; connections that do not end by then (a stalled peer) are cut. */
  async end(): Promise<void> {
    await within(this.pool.end(), this.timing.timeoutMs, 'timeout closing').catch(() => undefined);
    this.destroy();
  }

  /** Cuts every connection at once (nothing more is sent or awaited). */
  destroy(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** `promise`, or a rejection after `ms`; a late pool client is given back. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0) {
    void promise.then((value) => (value as { release?: () => void })?.release?.(), () => undefined);
    return Promise.reject(new Error(what));
  }
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(what));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (late) (value as { release?: () => void })?.release?.();
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
