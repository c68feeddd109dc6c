/**
 * Chooses the state store at the edge: the file store (journal + lock beside the manifest) unless the
 * project config's `store` or $PIXRENDER_STORE names a shared database.
 */
import { openFileStore, readStateSnapshot } from './file-store.js';
import type { StateSnapshot, StateStore } from './store.js';

export interface StoreOptions {
  /** Where the lock and the journal live (watch --preview keeps its own); default: FILE.lock and .pixrender/. */
  state?: { stateDir?: string; lockFile?: string };
  /** Strings that must never reach the state (the API token). */
  secrets?: readonly string[];
}

export function openStore(manifestFile: string, options: StoreOptions = {}): Promise<StateStore> {
  return openFileStore(manifestFile, { ...options.state, ...(options.secrets ? { secrets: options.secrets } : {}) });
}

/** The state without taking the run lock (for `plan` and `status` while a run may be going on). */
export function readState(manifestFile: string, options: StoreOptions = {}): Promise<StateSnapshot> {
  return readStateSnapshot(manifestFile, { ...options.state });
}
