/** Job outcomes: what state each leaves the job in, their words for users, and errors turned into them. */
import { isApiError } from '../api/errors.js';
import type { JobOutcome, JobState } from '../events.js';
import { FfmpegError } from '../ffmpeg.js';
import { MediaError } from '../media.js';
import { isStateError } from '../state/errors.js';
import { LocalInputError } from './inputs.js';

/** Closed unions end their switches here: a new member that is not handled fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}

/** The job state an outcome leaves, and whether it counts as a failure of the run (exit code 1). */
export function disposition(outcome: JobOutcome): { state: JobState; failure: boolean } {
  switch (outcome.kind) {
    case 'input-failed':
      return { state: 'skipped', failure: !outcome.stillRendering };
    case 'no-slot':
    case 'interrupted':
    case 'not-submitted':
      return { state: 'skipped', failure: false };
    case 'no-credits':
    case 'over-budget':
      return { state: 'skipped', failure: true };
    case 'api-rejected':
    case 'render-failed':
    case 'unknown-outcome':
    case 'download-failed':
    case 'local-failed':
    case 'bug':
      return { state: 'failed', failure: true };
    case 'pending':
      return { state: 'pending', failure: false };
    default:
      return unreachable(outcome);
  }
}

/**
 * Whether a job that did not finish is still on its way rather than failed: rendering (pending), or
 * waiting for a slot, for --no-wait's next run, or for an input that is itself on its way (at any depth).
 * What waits for it waits too; it is no failure.
 */
export function stillOnItsWay(run: { state?: JobState; outcome?: JobOutcome }): boolean {
  if (run.state === 'pending') return true;
  const o = run.outcome;
  return o?.kind === 'no-slot' || o?.kind === 'not-submitted' || (o?.kind === 'input-failed' && o.stillRendering);
}

/** The outcome in words; `settleCommand` is how to settle an unknown outcome (e.g. `pixrender status x.yaml`). */
export function describeOutcome(outcome: JobOutcome, job: string, settleCommand = 'pixrender status FILE'): string {
  switch (outcome.kind) {
    case 'input-failed':
      return `input ${outcome.input} ${outcome.stillRendering ? 'is not finished yet' : 'did not finish'}`;
    case 'no-slot':
      return 'no free slot now; a later run submits it';
    case 'no-credits':
      return outcome.message ? `insufficient credits: ${outcome.message}` : 'credits ran out before it was submitted';
    case 'over-budget':
      return `not submitted: it could cost ${outcome.estimate} credits with ${outcome.committed} committed, over the budget of ${outcome.limit}`;
    case 'interrupted':
      return 'interrupted before it was submitted';
    case 'not-submitted':
      return 'not submitted yet (run `pixrender render`)';
    case 'api-rejected':
      return `${outcome.error}: ${outcome.message}`;
    case 'render-failed':
      return `${outcome.result}${outcome.message ? `: ${outcome.message}` : ''} (status ${outcome.status})`;
    case 'unknown-outcome': {
      const seen = outcome.candidates.length > 0 ? `candidate videos: ${outcome.candidates.join(', ')}` : outcome.detail;
      return `unknown outcome of its submit (${seen}); it is not submitted again until settled: \`${settleCommand} --adopt ${job}=VIDEO_ID\` or \`${settleCommand} --abandon ${job}\``;
    }
    case 'download-failed':
      return outcome.message;
    case 'local-failed':
      return outcome.message;
    case 'pending':
      return outcome.reason === 'no-wait' ? `submitted as ${outcome.videoId}` : `still rendering (${outcome.videoId}); run \`pixrender status\` or render again to collect it`;
    case 'bug':
      return `internal error (a bug: please report it with this stack): ${outcome.message}${outcome.stack ? `\n${outcome.stack}` : ''}`;
    default:
      return unreachable(outcome);
  }
}

/**
 * An error thrown while running a job, as an outcome: the API's and local failures are expected
 * (a refused upload, a missing asset, ffmpeg, the disk); anything else is a bug and keeps its stack.
 */
export function outcomeOfError(error: unknown): JobOutcome {
  if (isApiError(error)) {
    return { kind: 'api-rejected', error: error.kind, message: error.apiMessage ?? error.message, ...(error.status !== undefined ? { status: error.status } : {}) };
  }
  if (error instanceof LocalInputError || error instanceof MediaError || error instanceof FfmpegError || isStateError(error) || hasErrnoCode(error)) {
    return { kind: 'local-failed', message: (error as Error).message };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'bug', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

const hasErrnoCode = (error: unknown): boolean => error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
