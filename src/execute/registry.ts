/**
 * The run registry: every job of the plan with its state, the promises its dependents wait on, and how
 * it ended. The one place that settles a job (state + outcome + event) and counts the summary.
 */
import type { CreditDifference, EventSink, JobOutcome, JobState, RunFailure, RunSummary } from '../events.js';
import type { JobId, PlannedJob } from '../model.js';
import { deferred, type Deferred } from './deferred.js';
import type { JobOutput } from './inputs.js';
import { describeOutcome, disposition } from './outcome.js';

export interface JobRun {
  planned: PlannedJob;
  state: JobState;
  /** Resolves when the job's video is final at the API: enough for inputs that take its video_id. */
  video: Deferred<JobOutput>;
  /** Resolves when its output is downloaded: needed for frames and post steps. */
  output: Deferred<JobOutput>;
  /** Credits the API reported charging (cost_credits), when it did. */
  charged?: number;
  /** How it ended, when it did not finish. */
  outcome?: JobOutcome;
}

export interface SettleOptions {
  /** The video the job has at the API, when it has one (for the event). */
  videoId?: string;
}

export interface StateExtra {
  videoId?: string;
  /** A finished job's output (relative to the manifest's folder) and its sha256. */
  output?: string;
  sha256?: string;
  message?: string;
  etaSeconds?: number;
}

export class RunRegistry {
  readonly runs = new Map<JobId, JobRun>();
  private readonly failures: RunFailure[] = [];

  constructor(
    private readonly onEvent: EventSink | undefined,
    private readonly now: () => string,
    /** How users settle an unknown outcome, e.g. `pixrender status teaser.yaml`. */
    private readonly settleCommand: string,
  ) {}

  add(planned: PlannedJob): JobRun {
    const run: JobRun = { planned, state: 'waiting', video: deferred(), output: deferred() };
    this.runs.set(planned.id, run);
    return run;
  }

  /** Ends a job that will not finish in this run: its dependents stop waiting, the outcome is recorded. */
  settle(run: JobRun, outcome: JobOutcome, options: SettleOptions = {}): undefined {
    const reason = describeOutcome(outcome, run.planned.id, this.settleCommand);
    const { state, failure } = disposition(outcome);
    run.outcome = outcome;
    if (failure) this.failures.push({ id: run.planned.id, reason, outcome });
    run.video.reject(new Error(reason));
    run.output.reject(new Error(reason));
    this.emit(run, state, { message: reason, ...(options.videoId ? { videoId: options.videoId } : {}) }, outcome);
    return undefined;
  }

  /** A failure that is not one job's (a post step). */
  addFailure(failure: RunFailure): void {
    this.failures.push(failure);
  }

  setState(run: JobRun, state: JobState, extra: StateExtra = {}): void {
    this.emit(run, state, extra);
  }

  summary(run: { started: number; now: number; creditsSpent: number; creditsPlanned: number; stopReason?: RunSummary['stopReason'] }): RunSummary {
    const all = [...this.runs.values()];
    const count = (s: JobState) => all.filter((r) => r.state === s).length;
    const downloaded = all.filter((r) => r.state === 'done' && r.planned.action === 'download').length;
    return {
      done: count('done') - downloaded,
      cached: count('cached'),
      downloaded,
      failed: count('failed'),
      skipped: count('skipped'),
      pending: count('pending'),
      creditsSpent: run.creditsSpent,
      creditsPlanned: run.creditsPlanned,
      ...(run.stopReason ? { stopReason: run.stopReason } : {}),
      failures: this.failures,
      creditDifferences: this.creditDifferences(),
      elapsedSeconds: (run.now - run.started) / 1000,
    };
  }

  private creditDifferences(): CreditDifference[] {
    return [...this.runs.values()].flatMap((r) =>
      r.charged !== undefined && r.charged !== r.planned.cost ? [{ id: r.planned.id, planned: r.planned.cost, charged: r.charged }] : [],
    );
  }

  private emit(run: JobRun, state: JobState, extra: StateExtra, outcome?: JobOutcome): void {
    run.state = state;
    const { planned } = run;
    this.onEvent?.({ type: 'job', at: this.now(), id: planned.id, state, action: planned.action, credits: planned.cost, ...extra, ...(outcome ? { outcome } : {}) });
  }
}
