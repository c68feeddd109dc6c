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
  | { type: 'job'; at: string; id: JobId; state: JobState; action?: PlanAction; videoId?: string; message?: string; credits?: number; etaSeconds?: number }
  | { type: 'retry'; at: string; id: JobId; reason: string; delayMs: number }
  | { type: 'warning'; at: string; message: string; id?: JobId }
  | { type: 'post'; at: string; step: string; output: string; state: 'running' | 'done' | 'failed'; message?: string }
  | { type: 'run-end'; at: string; summary: RunSummary };

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
  failures: { id: JobId; reason: string }[];
  elapsedSeconds: number;
}

export type EventSink = (event: RunEvent) => void;
