/**
 * What a watch session reports, on top of each run's RunEvents: the CLI shows them as lines on a terminal
 * or as NDJSON with --json (src/watch/view.ts).
 */
import type { Diagnostic } from '../diagnostic.js';
import type { RunEvent, RunSummary } from '../events.js';
import type { JobId } from '../model.js';

export type WatchEvent =
  /** The files being watched, sent at start and whenever the set changes (assets added or removed). */
  | { type: 'watching'; at: string; files: string[] }
  /** A re-run starts for these changed files (empty for the first render). */
  | { type: 'change'; at: string; files: string[]; first: boolean }
  /** A change arrived while a run was going: it stops submitting and one re-run follows. */
  | { type: 'superseded'; at: string; files: string[] }
  /** The manifest (or config) does not validate: nothing was submitted, outputs are untouched. */
  | { type: 'invalid'; at: string; errors: number; diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string> }
  /** Warnings of a valid load, sent when they differ from the previous load's. */
  | { type: 'warnings'; at: string; diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string> }
  /** What this change renders and what it will cost, before anything is submitted. */
  | {
      type: 'plan';
      at: string;
      /** The session's first plan (its jobs are "to render" rather than "stale"). */
      first: boolean;
      /** Jobs that render in this run (never rendered, or stale). */
      jobs: JobId[];
      cached: number;
      download: number;
      /** Credits this run will newly spend (jobs already submitted and unchanged are not paid twice). */
      credits: number;
      sessionSpent: number;
      budget?: number;
    }
  /** The run was refused: nothing was submitted. */
  | { type: 'refused'; at: string; reason: 'session-budget' | 'manifest-budget'; credits: number; sessionSpent: number; budget: number }
  | { type: 'backend'; at: string; kind: 'sim' | 'useapi'; description: string; slots: number }
  | { type: 'error'; at: string; message: string }
  /** Another process holds the manifest's run lock: the change renders once it is released. */
  | { type: 'waiting'; at: string; for: 'run-lock'; holder?: { pid: number; hostname: string; startedAt: string }; file?: string }
  /** Waiting for the next change. */
  | { type: 'idle'; at: string; files: number; sessionSpent: number; budget?: number; summary?: RunSummary };

export type SessionEvent = WatchEvent | RunEvent;
export type SessionSink = (event: SessionEvent) => void;

export const isWatchEvent = (e: SessionEvent): e is WatchEvent =>
  ['watching', 'change', 'superseded', 'invalid', 'warnings', 'plan', 'refused', 'backend', 'error', 'waiting', 'idle'].includes(e.type);
