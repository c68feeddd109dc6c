/**
 * Watch mode: `pixrender watch FILE` renders once, then re-renders exactly what changed on every save.
 *
 * The pieces: a state machine (watch/machine.ts: watching → debouncing → running → queued) decides when a
 * cycle runs; a cycle (watch/cycle.ts) validates, plans, applies the session's spending guard and renders
 * through the pipeline; a file watcher (watch/watcher.ts) reports saves of the manifest, its project config
 * and every local asset it uses. One backend stays open for the whole session and is closed on stop.
 */
import { dirname, join, resolve } from 'node:path';
import type { Tuning } from './execute/index.js';
import { BackendError, loadProject, runManifest, type BackendOptions } from './pipeline.js';
import { sessionBackend } from './watch/backend.js';
import { SessionBudget } from './watch/budget.js';
import { createCycle, type CycleContext, type CycleRuntime } from './watch/cycle.js';
import type { Selection } from './select.js';
import type { SessionSink } from './watch/events.js';
import { sameFiles } from './watch/files.js';
import { WatchLoop, type LoopStateName, type Timers } from './watch/machine.js';
import { previewManifest, previewState } from './watch/preview.js';
import { chokidarWatcher, type WatcherFactory } from './watch/watcher.js';

export type { SessionEvent, SessionSink, WatchEvent } from './watch/events.js';
export type { LoopStateName, Timers } from './watch/machine.js';
export type { ChangeKind, FileWatcher, WatcherFactory } from './watch/watcher.js';

export interface WatchOptions extends BackendOptions {
  /** Quiet time after the last save before a re-run starts, in ms. @default 200 */
  debounceMs?: number;
  /** Credits the whole session may spend, across all its runs; a run that would exceed it is refused. @default no limit */
  budgetCredits?: number;
  /** Render cheaply (360p, 5 s where allowed), in a separate lock, journal and output folder. @default false */
  preview?: boolean;
  /** Only these jobs and what they need (--only/--exclude), on every save; the rest stay as locked. */
  select?: Selection;
  /** Watch events and every run's RunEvents. */
  onEvent?: SessionSink;
  tuning?: Partial<Tuning>;
  /** @default chokidar on the files' folders */
  watcher?: WatcherFactory;
  /** @default setTimeout */
  timers?: Timers;
  /** Replaces parts of the pipeline (tests). */
  runtime?: Partial<CycleRuntime>;
  /** The write-finish check: a changed asset must go unmodified for settleMs (default 500) before it is read. */
  stability?: CycleContext['stability'];
}

export interface WatchResult {
  /** A run was going on when the session stopped: it stopped submitting and its state was saved. */
  interrupted: boolean;
  /** Credits the session's runs spent. */
  creditsSpent: number;
  /** Why the session ended on its own (e.g. no usable backend). */
  error?: string;
}

export interface WatchSession {
  /** Resolves once the session has stopped: after stop(), or on a fatal error. */
  readonly done: Promise<WatchResult>;
  /** Stops watching; a run going on stops submitting and is waited for (state saved). */
  stop(): Promise<WatchResult>;
  /** Resolves once no run is going or queued. */
  whenIdle(): Promise<void>;
  readonly state: LoopStateName;
}

/** Starts a session: the first render begins at once; resolves when the files are being watched. */
export async function startWatch(manifestFile: string, options: WatchOptions = {}): Promise<WatchSession> {
  const file = resolve(manifestFile);
  const emit: SessionSink = options.onEvent ?? (() => {});
  const at = () => new Date().toISOString();
  const budget = new SessionBudget(options.budgetCredits);
  let fatal: string | undefined;
  const backend = sessionBackend({ ...backendOptions(options), stateDir: join(dirname(file), '.pixrender') }, emit);
  const runtime: CycleRuntime = {
    load: (f) => loadProject(f, { ...(options.preview ? { adjust: previewManifest } : {}), ...(options.select ? { select: options.select } : {}) }),
    backend: (loaded) => backend.get(loaded),
    run: runManifest,
    ...options.runtime,
  };

  let watched: string[] = [];
  const watcher = (options.watcher ?? chokidarWatcher)(
    (changed) => loop.change(changed),
    (error) => emit({ type: 'error', at: at(), message: `file watcher: ${error.message}` }),
  );
  const watch = async (files: string[]): Promise<void> => {
    if (sameFiles(files, watched)) return;
    watched = [...files].sort();
    await watcher.setFiles(watched);
    emit({ type: 'watching', at: at(), files: watched });
  };

  const loop: WatchLoop = new WatchLoop({
    cycle: createCycle({
      // As given, so diagnostics name the manifest the way the user wrote it.
      file: manifestFile,
      runtime,
      budget,
      emit,
      watched: () => watched,
      watch,
      requeue: (files) => files.forEach((f) => loop.change(f)),
      ...(options.stability ? { stability: options.stability } : {}),
      runOptions: { ...(options.preview ? { state: previewState(file) } : {}), ...(options.tuning ? { tuning: options.tuning } : {}) },
    }),
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    onSuperseded: (files) => emit({ type: 'superseded', at: at(), files }),
    onError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      emit({ type: 'error', at: at(), message });
      // Without a backend nothing can render: end the session instead of failing on every save.
      if (error instanceof BackendError) {
        fatal = message;
        void stop();
      }
    },
    onState: (state) => {
      if (state === 'watching')
        emit({ type: 'idle', at: at(), files: watched.length, sessionSpent: budget.spent, ...(budget.limit !== undefined ? { budget: budget.limit } : {}) });
    },
  });

  let finish!: (result: WatchResult) => void;
  const done = new Promise<WatchResult>((resolve) => (finish = resolve));
  let stopping: Promise<WatchResult> | undefined;
  const stop = (): Promise<WatchResult> =>
    (stopping ??= (async () => {
      const { interrupted } = await loop.stop();
      await watcher.close();
      await backend.close();
      const result: WatchResult = { interrupted, creditsSpent: budget.spent, ...(fatal !== undefined ? { error: fatal } : {}) };
      finish(result);
      return result;
    })());

  // Watch the manifest before the first render, so a save during it is not missed.
  await watch([file]);
  loop.start();
  return {
    done,
    stop,
    whenIdle: () => loop.whenIdle(),
    get state() {
      return loop.stateName;
    },
  };
}

/** Runs a session until `signal` aborts (first Ctrl-C) or a fatal error. */
export async function watchManifest(manifestFile: string, options: WatchOptions & { signal?: AbortSignal } = {}): Promise<WatchResult> {
  const session = await startWatch(manifestFile, options);
  const { signal } = options;
  if (signal) {
    if (signal.aborted) void session.stop();
    else signal.addEventListener('abort', () => void session.stop(), { once: true });
  }
  return session.done;
}

function backendOptions(o: BackendOptions): BackendOptions {
  return {
    ...(o.backend !== undefined ? { backend: o.backend } : {}),
    ...(o.apiUrl !== undefined ? { apiUrl: o.apiUrl } : {}),
    ...(o.env !== undefined ? { env: o.env } : {}),
    ...(o.simTimeScale !== undefined ? { simTimeScale: o.simTimeScale } : {}),
  };
}
