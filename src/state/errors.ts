/** Why the state store refused to go on. Every code names something the user can act on. */
export type StateErrorCode =
  /** Another live process holds this manifest's run lock. */
  | 'busy'
  /** A journal line other than a torn last one is not a valid record. */
  | 'journal-corrupt'
  /** The lock file is not valid JSON or not a lock file (e.g. an unresolved git merge). */
  | 'lock-corrupt'
  /** Something about to be written contains a configured secret (the API token). */
  | 'secret'
  /** An earlier write failed; the journal can no longer be trusted to be complete in this process. */
  | 'io'
  /** The store was closed. */
  | 'closed'
  /** A shared store: this runner's lease on a job was lost (its heartbeat lapsed), so it must not submit. */
  | 'lease-lost'
  /** A shared store could not be reached or refused a query. */
  | 'database'
  /** The store setting is not one pixrender understands. */
  | 'store-config';

export class StateError extends Error {
  constructor(
    readonly code: StateErrorCode,
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateError';
  }
}

export const isStateError = (error: unknown, code?: StateErrorCode): error is StateError =>
  error instanceof StateError && (code === undefined || error.code === code);

/** The run lock is held by another live process (`holder` says which). */
export class StateBusyError extends StateError {
  constructor(
    message: string,
    file: string,
    readonly holder: { pid: number; hostname: string; startedAt: string },
  ) {
    super('busy', message, file);
    this.name = 'StateBusyError';
  }
}
