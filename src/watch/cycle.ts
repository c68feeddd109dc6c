/**
 * One watch cycle: validate → (invalid: report, submit nothing) → update the watched files → plan → the
 * spending guard → render what changed. Unchanged jobs are `cached` in the plan and cost no API call;
 * jobs submitted by a run a change stopped are resumed (same fingerprint) or collected aside (changed).
 */
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { Diagnostic } from '../diagnostic.js';
import type { Plan } from '../model.js';
import type { Backend, Loaded, LoadOutcome, RunOptions, RunOutcome } from '../pipeline.js';
import { StateBusyError } from '../state/errors.js';
import { isDiskError } from '../state/fs.js';
import { isStateError, type StateSnapshot } from '../state/store.js';
import { changeCost, type SessionBudget } from './budget.js';
import type { SessionSink, WatchEvent } from './events.js';
import { watchedFiles } from './files.js';
import type { Cycle } from './machine.js';
import { changedBetween, signatures, waitUntilSettled, type StatFn } from './stability.js';

/** What a cycle needs from the rest of pixrender; the session wires the real pipeline, tests wire fakes. */
export interface CycleRuntime {
  load(file: string): Promise<LoadOutcome>;
  /** The session's backend, opened on first use and kept for the whole session. */
  backend(loaded: Loaded): Promise<Backend>;
  run(file: string, options: RunOptions): Promise<RunOutcome>;
}

export interface CycleContext {
  file: string;
  runtime: CycleRuntime;
  budget: SessionBudget;
  emit: SessionSink;
  /** The files watched now. */
  watched(): readonly string[];
  /** Replaces the watched set. */
  watch(files: string[]): Promise<void>;
  /** Reports files as changed again (they changed while being read): the loop queues a re-run. */
  requeue(files: string[]): void;
  /** The write-finish check (stability.ts). settleMs: how long a changed asset must go unmodified. @default 500 */
  stability?: { settleMs?: number; clock?: Clock; stat?: StatFn };
  /** Passed on to every run (e.g. the preview state namespace, executor tuning). */
  runOptions?: Pick<RunOptions, 'state' | 'tuning'>;
  /** While another process holds the run lock: first and longest pause between tries. @default 200 ms, 2 s */
  lockWait?: { firstMs?: number; maxMs?: number; clock?: Clock };
  now?: () => Date;
}

export function createCycle(ctx: CycleContext): Cycle {
  let cycles = 0;
  let planned = false;
  /** The warnings of the last valid load, so the same ones are not printed on every save. */
  let lastWarnings = '';
  let configFile: string | undefined;
  const at = () => (ctx.now?.() ?? new Date()).toISOString();
  const settleMs = ctx.stability?.settleMs ?? 500;
  const stat = ctx.stability?.stat;

  return async (signal, changed) => {
    ctx.emit({ type: 'change', at: at(), files: changed, first: cycles++ === 0 });
    if (!(await assetsSettled(changed, signal))) return; // stopped by a newer change, which queued its own run
    const before = await signatures(ctx.watched(), stat);
    const loaded = await ctx.runtime.load(ctx.file);
    configFile = loaded.configFile !== undefined ? resolve(loaded.configFile) : undefined;
    if (!loaded.ok) {
      ctx.emit(invalid(loaded.diagnostics, loaded.sources, at()));
      // Keep what is watched (the last valid load's assets) and make sure a fix to the config is seen too.
      if (configFile && !ctx.watched().includes(configFile)) await ctx.watch([...ctx.watched(), configFile]);
      return;
    }
    const during = changedBetween(before, await signatures([...before.keys()], stat));
    if (during.length > 0) return ctx.requeue(during); // read mid-save: start over rather than render a mix
    reportWarnings(loaded);
    await ctx.watch(watchedFiles(ctx.file, loaded));
    // A newer change is already queued: a run now would stop before submitting anything.
    if (signal.aborted) return;
    await render(loaded, signal);
  };

  /** Changed assets (not the manifest or config) must have stopped changing before they are read. */
  async function assetsSettled(changed: string[], signal: AbortSignal): Promise<boolean> {
    const assets = changed.filter((f) => f !== resolve(ctx.file) && f !== configFile);
    if (assets.length === 0 || settleMs <= 0) return true;
    const clock = ctx.stability?.clock ?? systemClock;
    return waitUntilSettled(assets, { settleMs, clock, signal, ...(stat ? { stat } : {}) }).then(() => true, () => false);
  }

  function reportWarnings(loaded: Loaded): void {
    const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning');
    const key = JSON.stringify(warnings.map((d) => [d.code, d.message, d.location?.range.offset]));
    if (key !== lastWarnings && warnings.length > 0) ctx.emit({ type: 'warnings', at: at(), diagnostics: warnings, sources: loaded.sources });
    lastWarnings = key;
  }

  async function render(loaded: Loaded, signal: AbortSignal): Promise<void> {
    const backend = await ctx.runtime.backend(loaded);
    let outcome: RunOutcome | undefined;
    try {
      outcome = await runWhenUnlocked(signal, () =>
      ctx.runtime.run(ctx.file, {
        mode: 'render',
        project: loaded,
        backendInstance: backend,
        signal,
        onEvent: ctx.emit,
        onPlan: (plan, state) => guard(plan, state, signal),
        ...ctx.runOptions,
      }),
      );
    } catch (error) {
      // The state could not be written (a full disk): what was journaled stays, the next save tries again.
      if (!isDiskError(error)) throw error;
      ctx.emit({ type: 'warning', at: at(), message: `${error.message}: waiting for the next save` });
      return;
    }
    if (!outcome) return; // a newer change or stop came while waiting for the lock: nothing ran
    switch (outcome.kind) {
      case 'ran':
        ctx.budget.record(outcome.summary.creditsSpent);
        return;
      case 'over-budget': {
        const { totals, budgetCredits } = outcome.plan;
        ctx.emit({ type: 'refused', at: at(), reason: 'manifest-budget', credits: totals.credits, sessionSpent: ctx.budget.spent, budget: budgetCredits ?? 0 });
        return;
      }
      case 'invalid': // not expected with a loaded project, but never silent
        ctx.emit(invalid(outcome.diagnostics, outcome.sources, at()));
        return;
      case 'refused':
        return; // reported by the guard (or stopped by a newer change)
    }
  }

  /**
   * Runs; while another process holds the run lock (a render in another terminal), says so once and
   * tries again with growing pauses, so the save is rendered once the lock frees instead of dropped.
   * The run takes the lock before it plans or submits anything, so a refused try has done nothing.
   * Undefined: the signal fired while waiting.
   */
  async function runWhenUnlocked(signal: AbortSignal, run: () => Promise<RunOutcome>): Promise<RunOutcome | undefined> {
    const clock = ctx.lockWait?.clock ?? systemClock;
    let pause = ctx.lockWait?.firstMs ?? 200;
    const maxPause = ctx.lockWait?.maxMs ?? 2_000;
    for (let waited = false; ; ) {
      try {
        return await run();
      } catch (error) {
        if (!isStateError(error, 'busy') || signal.aborted) throw error;
        if (!waited) {
          waited = true;
          const holder = error instanceof StateBusyError ? error.holder : undefined;
          ctx.emit({ type: 'waiting', at: at(), for: 'run-lock', ...(holder ? { holder } : {}), ...(error.file ? { file: error.file } : {}) });
          const who = holder ? ` (pid ${holder.pid} on ${holder.hostname})` : '';
          ctx.emit({ type: 'warning', at: at(), message: `another run holds this manifest's run lock${who}: waiting, and rendering once it is released` });
        }
      }
      try {
        await clock.sleep(pause, signal);
      } catch {
        return undefined;
      }
      pause = Math.min(maxPause, Math.round(pause * 1.5));
    }
  }

  /** Reports what the change renders and costs; refuses (nothing submitted) when the session budget would be exceeded. */
  function guard(plan: Plan, state: StateSnapshot, signal: AbortSignal): boolean {
    if (signal.aborted) return false;
    const first = !planned;
    planned = true;
    const cost = changeCost(plan, state);
    const { budget } = ctx;
    ctx.emit({
      type: 'plan',
      at: at(),
      first,
      jobs: cost.jobs.map((j) => j.id),
      cached: plan.totals.cached,
      download: plan.totals.download,
      credits: cost.credits,
      sessionSpent: budget.spent,
      ...(budget.limit !== undefined ? { budget: budget.limit } : {}),
    });
    if (budget.allows(cost.credits)) return true;
    ctx.emit({ type: 'refused', at: at(), reason: 'session-budget', credits: cost.credits, sessionSpent: budget.spent, budget: budget.limit! });
    return false;
  }
}

function invalid(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, at: string): WatchEvent {
  return { type: 'invalid', at, errors: diagnostics.filter((d) => d.severity === 'error').length, diagnostics, sources };
}
