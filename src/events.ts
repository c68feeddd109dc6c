/**
 * What a run reports while it works. The executor emits these; the CLI chooses how to show them
 * (live TTY view, plain lines, or NDJSON with --json).
 */
import type { JobId, PlanAction } from './model.js';

export type JobState =
  | 'waiting' // inputs not ready yet
  | 'queued' // ready, waiting for a free slot
  | 'uploading'
  | 'submitting'
  | 'rendering' // accepted by the API, polling
  | 'downloading'
  | 'done'
  | 'cached'
  | 'failed'
  | 'skipped' // an input failed, or credits ran out before it was submitted
  | 'pending'; // submitted, still rendering when this run stopped (collect later)

export type RunEvent =
  | { type: 'run-start'; at: string; backend: string; jobs: number; toRender: number; credits: number; slots: number }
  | {
      type: 'job';
      at: string;
      id: JobId;
      state: JobState;
      action?: PlanAction;
      videoId?: string;
      message?: string;
      /** Why the job stopped, when it did not finish (failed, skipped, pending). */
      outcome?: JobOutcome;
      credits?: number;
      etaSeconds?: number;
      /** done and cached: the output file (relative to the manifest's folder, forward slashes) and its sha256. */
      output?: string;
      sha256?: string;
    }
  | { type: 'retry'; at: string; id: JobId; reason: string; delayMs: number }
  | { type: 'warning'; at: string; message: string; id?: JobId }
  | { type: 'post'; at: string; step: string; output: string; state: 'running' | 'done' | 'failed'; message?: string }
  | { type: 'run-end'; at: string; summary: RunSummary };

/**
 * Why a job ended the run other than done or cached: a closed union told apart by `kind`, so no code
 * reads message text. `describeOutcome` (execute/outcome.ts) turns one into the words users see.
 */
export type JobOutcome =
  /** An input job did not finish (or is still rendering, `stillRendering`): this one was not started. */
  | { kind: 'input-failed'; input: JobId; stillRendering: boolean }
  /** --no-wait and every slot was busy: a later run submits it. */
  | { kind: 'no-slot' }
  /** The account ran out (412), here or for another job: not submitted. */
  | { kind: 'no-credits'; message?: string }
  /** Submitting it could spend more than the plan showed or the manifest allows. */
  | { kind: 'over-budget'; limit: number; committed: number; estimate: number }
  /** Ctrl-C (or a watch-mode change) before it was submitted. */
  | { kind: 'interrupted' }
  /** `status` submits nothing, and this job was never submitted. */
  | { kind: 'not-submitted' }
  /** The API refused the request, an upload, or the polling (400, 401, 422, or a lasting network failure). */
  | { kind: 'api-rejected'; error: string; message: string; status?: number }
  /** Accepted, then moderated or failed at the API. */
  | { kind: 'render-failed'; status: number; result: string; message?: string }
  /** A POST may have created a job and the API cannot say which: open until settled, never resubmitted. */
  | { kind: 'unknown-outcome'; candidates: string[]; detail: string }
  /** The render is done (and paid for) but its file could not be fetched or kept. */
  | { kind: 'download-failed'; message: string; recorded: boolean }
  /** A local step failed: reading an asset, extracting a frame, a post step. */
  | { kind: 'local-failed'; message: string }
  /** Submitted and still rendering when the run stopped (--no-wait, or past the wait limit). */
  | { kind: 'pending'; videoId: string; reason: 'no-wait' | 'still-rendering' }
  /** An internal error: please report it with the stack. */
  | { kind: 'bug'; message: string; stack?: string };

export interface RunFailure {
  id: JobId;
  /** The outcome in words (for summaries and logs). */
  reason: string;
  /** Always set by the executor (optional only for summaries built by hand). */
  outcome?: JobOutcome;
}

/** A job the API charged differently from what the plan showed. */
export interface CreditDifference {
  id: JobId;
  planned: number;
  charged: number;
}

export interface RunSummary {
  done: number;
  cached: number;
  downloaded: number;
  failed: number;
  skipped: number;
  pending: number;
  /** Credits actually charged in this run. */
  creditsSpent: number;
  creditsPlanned: number;
  /** Why the run stopped early, if it did. */
  stopReason?: 'insufficient-credits' | 'budget' | 'interrupted';
  failures: RunFailure[];
  /** Jobs whose charged credits (cost_credits) differ from their planned cost. */
  creditDifferences?: CreditDifference[];
  elapsedSeconds: number;
}

export type EventSink = (event: RunEvent) => void;
