/** What the parts of one run share: options, clock, queues, state, and the run's gates. */
import type PQueue from 'p-queue';
import type { Clock } from '../clock.js';
import type { JobId } from '../model.js';
import type { AttemptContext } from './attempts.js';
import type { BudgetGuard } from './budget.js';
import type { VideoClaims } from './claims.js';
import type { InputResolver } from './inputs.js';
import type { LockWriter } from './lock-writer.js';
import type { ExecuteOptions, Tuning } from './options.js';
import type { Poller } from './poller.js';
import type { RunRegistry } from './registry.js';
import type { SubmitContext } from './submit.js';

export interface RunContext {
  readonly o: ExecuteOptions;
  readonly clock: Clock;
  readonly tuning: Tuning;
  readonly registry: RunRegistry;
  readonly lock: LockWriter;
  /** Generation slots: a job holds one from its POST until it is final. */
  readonly queue: PQueue;
  /** Downloads run outside the generation slots. */
  readonly downloadQueue: PQueue;
  readonly poller: Poller;
  readonly inputs: InputResolver;
  readonly submit: SubmitContext;
  readonly attempts: AttemptContext;
  readonly claims: VideoClaims;
  readonly budget: BudgetGuard;
  /** Jobs whose output changed in this run (post steps rerun for them). */
  readonly touched: Set<JobId>;
  readonly manifestDir: string;
  readonly gate: RunGate;
  nowIso(): string;
  /** An output path of the lock (relative to the manifest) made absolute. */
  absolute(output: string): string;
}

/** What stops new submissions while the run goes on. */
export interface RunGate {
  /** The API answered 412 once: nothing more is submitted. */
  noCredits: boolean;
  /** With --no-wait: slots free at the start, minus those taken since. */
  noWaitSlots: number;
  /** The callback receiver's URL, sent as replyUrl. */
  replyUrl?: string;
}
