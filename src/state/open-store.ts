/**
 * Chooses the state store at the edge: the file store (journal + lock beside the manifest) unless
 * $PIXRENDER_STORE or the project config's `store` names a PostgreSQL database shared by several runners.
 * A state folder of its own (watch --preview) always stays in files: it is one checkout's scratch state.
 */
import { assertStateWithin } from './contained.js';
import { StateError } from './errors.js';
import { openFileStore, readStateSnapshot } from './file-store.js';
import { unreachable } from '../diagnostic.js';
import { shownUrl } from './connection-secrets.js';
import type { PgStoreOptions } from './pg/pg-store.js';
import type { RunnerView } from './shared.js';
import type { StateSnapshot, StateStore } from './store.js';

export type StoreChoice = { kind: 'file' } | { kind: 'postgres'; url: string };

export interface StoreOptions {
  /** Where the lock and the journal live (watch --preview keeps its own); default: FILE.lock and .pixrender/. */
  state?: { stateDir?: string; lockFile?: string };
  /** Strings that must never reach the state (the API token). */
  secrets?: readonly string[];
  /** The project config's `store`. */
  configured?: string;
  env?: NodeJS.ProcessEnv;
}

/** $PIXRENDER_STORE over the config's `store`; `file` or nothing → the file store. */
export function storeChoice(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreChoice {
  const setting = env.PIXRENDER_STORE || configured || 'file';
  if (setting === 'file') return { kind: 'file' };
  if (/^postgres(ql)?:\/\//.test(setting)) return { kind: 'postgres', url: setting };
  throw new StateError('store-config', `unknown state store "${shownUrl(setting)}": use "file" or a postgres:// URL (${env.PIXRENDER_STORE ? '$PIXRENDER_STORE' : 'config store'})`);
}

/**
 * Timings from the environment, for tests and tuning: PIXRENDER_LEASE_MS, PIXRENDER_POST_GRACE_MS, and
 * PIXRENDER_DB_TIMEOUT_MS (the longest one database call may take, reconnecting included).
 */
function leaseTiming(env: NodeJS.ProcessEnv): Pick<PgStoreOptions, 'leaseMs' | 'postGraceMs' | 'connection'> {
  const ms = (name: string) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const leaseMs = ms('PIXRENDER_LEASE_MS');
  const postGraceMs = ms('PIXRENDER_POST_GRACE_MS');
  const timeoutMs = ms('PIXRENDER_DB_TIMEOUT_MS');
  return { ...(leaseMs ? { leaseMs } : {}), ...(postGraceMs ? { postGraceMs } : {}), ...(timeoutMs ? { connection: { timeoutMs } } : {}) };
}

/** The PostgreSQL store and its driver load only when a project uses it (a file-store start stays light). */
const pgStore = () => import('./pg/pg-store.js');

function chosen(options: StoreOptions): StoreChoice {
  if (options.state?.stateDir || options.state?.lockFile) return { kind: 'file' };
  return storeChoice(options.configured, options.env);
}

export async function openStore(manifestFile: string, options: StoreOptions = {}): Promise<StateStore> {
  const choice = chosen(options);
  const secrets = options.secrets ? { secrets: options.secrets } : {};
  switch (choice.kind) {
    case 'file':
      await assertStateWithin(manifestFile, options.state);
      return openFileStore(manifestFile, { ...options.state, ...secrets });
    case 'postgres':
      return (await pgStore()).openPgStore(manifestFile, { url: choice.url, ...secrets, ...leaseTiming(options.env ?? process.env), env: options.env ?? process.env });
    default:
      return unreachable(choice);
  }
}

/** The state without taking the run lock (for `plan` and `status` while a run may be going on). */
export async function readState(manifestFile: string, options: StoreOptions = {}): Promise<StateSnapshot> {
  const choice = chosen(options);
  switch (choice.kind) {
    case 'file':
      return readStateSnapshot(manifestFile, { ...options.state });
    case 'postgres':
      return (await pgStore()).readPgSnapshot(manifestFile, { url: choice.url, ...leaseTiming(options.env ?? process.env), env: options.env ?? process.env });
    default:
      return unreachable(choice);
  }
}

/** The runners sharing the state, or undefined for the file store (one checkout, no runners to show). */
export async function sharedRunners(options: StoreOptions = {}): Promise<{ store: string; runners: RunnerView[] } | undefined> {
  const choice = chosen(options);
  switch (choice.kind) {
    case 'file':
      return undefined;
    case 'postgres': {
      const env = options.env ?? process.env;
      const { leaseMs, connection } = leaseTiming(env);
      const { readRunners } = await pgStore();
      return { store: shownUrl(choice.url), runners: await readRunners(choice.url, leaseMs, { ...(connection ? { connection } : {}), env }) };
    }
    default:
      return unreachable(choice);
  }
}
