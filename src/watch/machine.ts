/**
 * The watch loop as an explicit state machine. A "cycle" is one validate → plan → render pass; at most one
 * runs at a time, and any number of changes during a run collapse into one queued re-run.
 *
 *                change                     debounce elapsed
 *   watching ───────────▶ debouncing ─────────────────────────▶ running
 *      ▲                   │     ▲                               │    │
 *      │                   └─────┘ change: restart the timer     │    │ change: abort the run's signal
 *      │                                                         │    │ (stop submitting; jobs in flight
 *      │                   run settled                           │    ▼  stay in the journal), start the timer
 *      └─────────────────────────────────────────────────────────┘  queued ◀──┐
 *                                                                     │  │    │ change: restart the timer
 *                    debouncing ◀── run settled, timer still going ───┘  └────┘
 *                    running    ◀── run settled, timer elapsed (quiet) ──┘
 *
 *   stop (any state): clear the timer; if a run is going, abort it and wait until it has settled
 *   (state saved) → stopped.
 *
 * Time comes from a Timers seam and the cycle is a function, so tests drive every transition with a fake
 * clock and fake change events.
 */

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One validate → plan → render pass. `changed` lists the files whose change started it (empty at start). */
export type Cycle = (signal: AbortSignal, changed: string[]) => Promise<void>;

export type LoopStateName = 'watching' | 'debouncing' | 'running' | 'queued' | 'stopping' | 'stopped';

export interface LoopOptions {
  /** Quiet time after the last change before a run starts. @default 200 */
  debounceMs?: number;
  cycle: Cycle;
  timers?: Timers;
  /** A change arrived during a run: the run is being stopped and one re-run will follow. */
  onSuperseded?: (changed: string[]) => void;
  /** A cycle threw (a bug or an I/O failure): reported, and the loop keeps watching. */
  onError?: (error: unknown) => void;
  onState?: (state: LoopStateName) => void;
}

interface ActiveRun {
  controller: AbortController;
  settled: Promise<void>;
}

type State =
  | { name: 'watching' }
  | { name: 'debouncing'; timer: unknown }
  | { name: 'running'; run: ActiveRun }
  /** `timer` absent: the debounce has elapsed (quiet) and the re-run starts as soon as the run settles. */
  | { name: 'queued'; run: ActiveRun; timer?: unknown }
  | { name: 'stopping'; run: ActiveRun }
  | { name: 'stopped' };

export class WatchLoop {
  private state: State = { name: 'watching' };
  private readonly changed = new Set<string>();
  private readonly debounceMs: number;
  private readonly timers: Timers;
  private idleWaiters: (() => void)[] = [];
  private interrupted = false;

  constructor(private readonly options: LoopOptions) {
    const debounce = options.debounceMs ?? 200;
    if (!Number.isFinite(debounce) || debounce < 0) throw new TypeError(`debounceMs must be a number ≥ 0, got ${String(debounce)} (${typeof debounce})`);
    this.debounceMs = debounce;
    this.timers = options.timers ?? systemTimers;
  }

  get stateName(): LoopStateName {
    return this.state.name;
  }

  /** The first render: runs at once, no debounce. */
  start(): void {
    if (this.state.name !== 'watching') throw new Error(`start() in state ${this.state.name}`);
    this.startRun();
  }

  change(file: string): void {
    const s = this.state;
    switch (s.name) {
      case 'stopping':
      case 'stopped':
        return;
      case 'watching':
        this.changed.add(file);
        return this.enter({ name: 'debouncing', timer: this.startTimer() });
      case 'debouncing':
        this.changed.add(file);
        this.timers.clear(s.timer);
        return this.enter({ name: 'debouncing', timer: this.startTimer() });
      case 'running':
        this.changed.add(file);
        s.run.controller.abort(new Error('superseded by a newer change'));
        this.options.onSuperseded?.([...this.changed]);
        return this.enter({ name: 'queued', run: s.run, timer: this.startTimer() });
      case 'queued':
        this.changed.add(file);
        if (s.timer !== undefined) this.timers.clear(s.timer);
        return this.enter({ name: 'queued', run: s.run, timer: this.startTimer() });
      default:
        return unreachable(s);
    }
  }

  /** Stops watching: a run going on stops submitting and is waited for. Resolves with whether one was interrupted. */
  async stop(): Promise<{ interrupted: boolean }> {
    const s = this.state;
    switch (s.name) {
      case 'stopped':
        return { interrupted: this.interrupted };
      case 'stopping':
        await s.run.settled;
        return { interrupted: this.interrupted };
      case 'watching':
        this.enter({ name: 'stopped' });
        return { interrupted: false };
      case 'debouncing':
        this.timers.clear(s.timer);
        this.enter({ name: 'stopped' });
        return { interrupted: false };
      case 'running':
      case 'queued':
        if (s.name === 'queued' && s.timer !== undefined) this.timers.clear(s.timer);
        this.interrupted = true;
        s.run.controller.abort(new Error('interrupted'));
        this.enter({ name: 'stopping', run: s.run });
        await s.run.settled;
        return { interrupted: true };
      default:
        return unreachable(s);
    }
  }

  /** Resolves once nothing is pending: watching (or stopped). */
  whenIdle(): Promise<void> {
    if (this.state.name === 'watching' || this.state.name === 'stopped') return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private startTimer(): unknown {
    return this.timers.set(() => this.debounceElapsed(), this.debounceMs);
  }

  private debounceElapsed(): void {
    const s = this.state;
    if (s.name === 'debouncing') this.startRun();
    else if (s.name === 'queued') this.enter({ name: 'queued', run: s.run });
  }

  private startRun(): void {
    const changed = [...this.changed];
    this.changed.clear();
    const controller = new AbortController();
    const run: ActiveRun = { controller, settled: Promise.resolve() };
    run.settled = Promise.resolve()
      .then(() => this.options.cycle(controller.signal, changed))
      .catch((error: unknown) => this.options.onError?.(error))
      .then(() => this.runSettled(run));
    this.enter({ name: 'running', run });
  }

  private runSettled(run: ActiveRun): void {
    const s = this.state;
    if (s.name === 'running' && s.run === run) return this.enter({ name: 'watching' });
    if (s.name === 'queued' && s.run === run) {
      if (s.timer === undefined) return this.startRun();
      return this.enter({ name: 'debouncing', timer: s.timer });
    }
    if (s.name === 'stopping' && s.run === run) return this.enter({ name: 'stopped' });
  }

  private enter(next: State): void {
    const changedName = next.name !== this.state.name;
    this.state = next;
    if (changedName) this.options.onState?.(next.name);
    if (next.name === 'watching' || next.name === 'stopped') {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
