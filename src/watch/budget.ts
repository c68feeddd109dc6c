/**
 * The spending guard of a watch session: what a change will newly cost, and whether the session's credit
 * limit (`--budget N`, across every run of the session) allows it.
 */
import type { JobId, Plan, PlannedJob } from '../model.js';
import { openAttemptOf, type OpenState } from '../state/versions.js';

export interface ChangeCost {
  /** Jobs this run renders: never rendered, or stale. */
  jobs: PlannedJob[];
  /** Credits this run will newly spend. */
  credits: number;
  /** Jobs already submitted with this very fingerprint (e.g. by a run a change stopped): resumed, not paid again. */
  resumed: JobId[];
}

/**
 * The plan's renders minus what is already paid for: an open attempt with the same fingerprint and a known
 * video id is collected by the run, never resubmitted. An attempt whose submit outcome is unknown (intent
 * only) may have to be submitted again, so it still counts.
 */
export function changeCost(plan: Plan, state: OpenState): ChangeCost {
  const jobs = plan.jobs.filter((j) => j.action === 'render' || j.action === 'stale');
  const resumed: JobId[] = [];
  let credits = 0;
  for (const job of jobs) {
    if (openAttemptOf(state, job.id, job.fingerprint)?.videoId) resumed.push(job.id);
    else credits += job.cost;
  }
  return { jobs, credits, resumed };
}

export class SessionBudget {
  private spentCredits = 0;

  /** @param limit credits the whole session may spend; undefined = no session limit. */
  constructor(readonly limit?: number) {
    if (limit !== undefined && (!Number.isFinite(limit) || limit < 0)) throw new TypeError(`budget must be a number ≥ 0, got ${String(limit)} (${typeof limit})`);
  }

  get spent(): number {
    return this.spentCredits;
  }

  /** Whether a run that newly spends `credits` stays within the limit. */
  allows(credits: number): boolean {
    return this.limit === undefined || this.spentCredits + credits <= this.limit;
  }

  /** Adds what a run actually spent (its summary's creditsSpent, interrupted runs included). */
  record(credits: number): void {
    this.spentCredits += credits;
  }
}
