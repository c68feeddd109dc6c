/** The executor's options, tuning knobs and result. */
import type { PixverseApi } from '../api/api.js';
import type { Catalog } from '../catalog.js';
import type { Clock } from '../clock.js';
import type { EventSink, RunSummary } from '../events.js';
import type { LockFile, Plan, ResolvedManifest } from '../model.js';
import type { RunLayout } from '../state/layout.js';
import type { StateSnapshot, StateStore } from '../state/store.js';

export interface Tuning {
  busyBackoffMs: number;
  busyBackoffMaxMs: number;
  maxUnknownOutcomes: number;
  /** Lookups of an unknown outcome in one run before it is left for a later run. */
  reconcileAttempts: number;
  /** Shortest time between scheduler ticks against the real API (never below MIN_POLL_FLOOR_MS); the time scale shortens it for the simulator. */
  minPollMs: number;
  maxPollMs: number;
  downloadConcurrency: number;
  downloadAttempts: number;
}

/** useapi's own scripts poll every 15 s; below 5 s a real token would hammer GET scheduler/available. */
export const MIN_POLL_FLOOR_MS = 5_000;

export const DEFAULT_TUNING: Tuning = {
  busyBackoffMs: 10_000,
  busyBackoffMaxMs: 60_000,
  maxUnknownOutcomes: 5,
  reconcileAttempts: 6,
  minPollMs: 10_000,
  maxPollMs: 30_000,
  downloadConcurrency: 8,
  downloadAttempts: 12,
};

export interface ExecuteOptions {
  plan: Plan;
  manifest: ResolvedManifest;
  api: PixverseApi;
  store: StateStore;
  /** The folders the run writes to besides outputs (frames, renders kept aside). */
  layout: RunLayout;
  snapshot: StateSnapshot;
  catalog: Catalog;
  /** Generation slots: the accounts' total maxJobs. */
  slots: number;
  /** Multiplies catalog timings when pacing polls (the simulator's time scale; 1 for the real API). */
  timeScale: number;
  /** 'collect' submits nothing: it only waits for and downloads jobs submitted earlier. */
  mode: 'render' | 'collect';
  /** Submit what can start now and return without waiting for renders. */
  noWait?: boolean;
  /** The plan covers a selection of the manifest (--only): lock entries of the other jobs stay. */
  partial?: boolean;
  /** Aborting stops new submissions and waiting; submitted jobs stay pending for a later run. */
  signal?: AbortSignal;
  onEvent?: EventSink;
  clock?: Clock;
  tuning?: Partial<Tuning>;
  /**
   * Receive callbacks (replyUrl) on a local listener, so polling is only a safety net. `publicUrl` is
   * what the API should call when the listener is not reachable at its own address.
   */
  callbacks?: { host?: string; port?: number; publicUrl?: string };
  /** How the backend is described in the run-start event (never the token). */
  backendName?: string;
  /** The account uploads go to (POST files needs one when several accounts are configured). */
  uploadEmail?: string;
  /** Every account the run may use: where work goes once one answers 596 (see account-health.ts). */
  accounts?: string[];
  /** Recorded in each lock entry. */
  backendKind?: 'sim' | 'useapi';
  /** Reuse uploads journaled by earlier runs (the real API keeps them; an embedded simulator may not). */
  reuseUploads?: boolean;
  /** Counts HTTP requests by kind, for benchmarks. */
  onRequest?: (what: string) => void;
}

export interface ExecuteResult {
  summary: RunSummary;
  lock: LockFile;
}

