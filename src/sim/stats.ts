/** What the simulator observed, for tests and benchmarks: GET /__sim/stats and `Simulator.stats()`. */
import type { SimAccount } from './accounts.js';
import { balanceOf } from './accounts.js';

export interface SubmittedJobRecord {
  video_id: string;
  endpoint: string;
  replyRef?: string;
  email: string;
  offPeak: boolean;
  credits: number;
  status: number;
  status_name: string;
  submittedAt: string;
}

export interface AccountStats {
  maxJobs: number;
  executing: number;
  /** Highest number of jobs executing at once on this account. */
  maxConcurrent: number;
  credits: number;
}

export interface FaultCounts {
  error500: number;
  resetBefore: number;
  resetAfter: number;
  latency: number;
  truncated: number;
  storm429: number;
  forced: number;
}

export interface SimStatsSnapshot {
  seed: number;
  /** Every API request by route ("POST videos/create", "GET videos/{video_id}", …), whatever the answer. */
  requests: Record<string, number>;
  /** Accepted generation jobs by endpoint ("videos/create", …). */
  submissions: Record<string, number>;
  /** Every response status sent by the API routes, e.g. { "200": 12, "404": 30, "429": 2 }. */
  responses: Record<string, number>;
  sent429: number;
  sent412: number;
  sent422: number;
  creditsSpent: number;
  accounts: Record<string, AccountStats>;
  faults: FaultCounts;
  callbacks: { sent: number; failed: number };
  mediaRequests: number;
  jobs: SubmittedJobRecord[];
}

export class StatsRecorder {
  readonly requests: Record<string, number> = {};
  readonly submissions: Record<string, number> = {};
  readonly responses: Record<string, number> = {};
  creditsSpent = 0;
  mediaRequests = 0;
  readonly faults: FaultCounts = { error500: 0, resetBefore: 0, resetAfter: 0, latency: 0, truncated: 0, storm429: 0, forced: 0 };
  readonly callbacks = { sent: 0, failed: 0 };

  constructor(private readonly seed: number) {}

  request(route: string): void {
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  response(status: number): void {
    this.responses[String(status)] = (this.responses[String(status)] ?? 0) + 1;
  }

  submission(endpoint: string, credits: number): void {
    this.submissions[endpoint] = (this.submissions[endpoint] ?? 0) + 1;
    this.creditsSpent += credits;
  }

  snapshot(accounts: SimAccount[], jobs: SubmittedJobRecord[]): SimStatsSnapshot {
    const count = (status: number) => this.responses[String(status)] ?? 0;
    return structuredClone({
      seed: this.seed,
      requests: this.requests,
      submissions: this.submissions,
      responses: this.responses,
      sent429: count(429),
      sent412: count(412),
      sent422: count(422),
      creditsSpent: this.creditsSpent,
      accounts: Object.fromEntries(
        accounts.map((a) => [a.email, { maxJobs: a.maxJobs, executing: a.executing, maxConcurrent: a.maxExecuting, credits: balanceOf(a) }]),
      ),
      faults: this.faults,
      callbacks: this.callbacks,
      mediaRequests: this.mediaRequests,
      jobs,
    });
  }
}
