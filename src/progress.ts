/**
 * How a run is shown: a live view on a TTY, plain lines elsewhere (CI logs), or NDJSON events with
 * --json. The executor only emits RunEvents; choosing among these is the CLI's business.
 * Ids, messages and file names come from the manifest or the API: every line shown is escaped with
 * printable(), so a control character in them cannot act on the terminal.
 */
import { noPaint, type Paint } from './colour.js';
import { printable } from './diagnostic.js';
import type { JobOutcome, JobState, RunEvent, RunSummary } from './events.js';

export interface ProgressView {
  onEvent(event: RunEvent): void;
  /** A line that must stay visible (e.g. "Stopping: …"), printed above a live block. */
  persist?(text: string): void;
  /** Stops redrawing (the final summary is printed by the caller). */
  close(): void;
}

export type Write = (text: string) => void;

export function ndjsonView(write: Write): ProgressView {
  return { onEvent: (e) => write(`${JSON.stringify(e)}\n`), close: () => {} };
}

const LOUD_STATES: ReadonlySet<JobState> = new Set(['rendering', 'done', 'cached', 'failed', 'skipped', 'pending']);

export function plainView(write: Write): ProgressView {
  const line = (text: string) => write(`${printable(text)}\n`);
  return {
    onEvent(e) {
      const time = e.at.slice(11, 19);
      switch (e.type) {
        case 'run-start':
          line(`${time} ${e.jobs} jobs, ${e.toRender} to render, ${e.credits} credits, ${e.slots} slots`);
          break;
        case 'job':
          if (!LOUD_STATES.has(e.state)) break;
          if (e.state === 'done' && e.action === 'download') line(`${time} ${e.id}: restored (downloaded again)`);
          else line(`${time} ${e.id}: ${e.state}${e.videoId && e.state === 'rendering' ? ` ${e.videoId}` : ''}${e.message ? ` — ${e.message}` : ''}`);
          break;
        case 'retry':
          line(`${time} ${e.id}: retry in ${(e.delayMs / 1000).toFixed(1)} s (${e.reason})`);
          break;
        case 'warning':
          line(`${time} warning: ${e.id ? `${e.id}: ` : ''}${e.message}`);
          break;
        case 'post':
          if (e.state !== 'running') line(`${time} ${e.step} → ${e.output}: ${e.state}${e.message ? ` — ${e.message}` : ''}`);
          break;
        case 'run-end':
          break;
      }
    },
    close: () => {},
  };
}

export const SYMBOL: Record<JobState, string> = {
  waiting: '·',
  queued: '…',
  uploading: '↑',
  submitting: '→',
  rendering: '◐',
  downloading: '↓',
  done: '✔',
  cached: '=',
  failed: '✖',
  skipped: '-',
  pending: '⧗',
};

/**
 * The outcomes that leave a job skipped and count as failures (disposition() in execute/outcome.ts says
 * so; a test keeps the two in step). Named here so printing a summary does not load the executor.
 */
export const SKIPPED_FAILURES: ReadonlySet<JobOutcome['kind']> = new Set(['input-failed', 'no-credits', 'over-budget']);

export function formatSummary(s: RunSummary, paint: Paint = noPaint): string {
  // Skipped jobs that are not failures wait for a slot or for an input still rendering.
  const skippedFailures = s.failures.filter((f) => f.outcome && SKIPPED_FAILURES.has(f.outcome.kind)).length;
  const waiting = Math.max(0, s.skipped - skippedFailures);
  const parts = [
    paint('green', `${s.done} rendered`),
    `${s.cached} cached`,
    ...(s.downloaded ? [`${s.downloaded} restored`] : []),
    ...(s.pending ? [`${s.pending} still rendering`] : []),
    ...(s.failed ? [paint('red', `${s.failed} failed`)] : []),
    ...(waiting ? [`${waiting} waiting`] : []),
    ...(s.skipped - waiting ? [`${s.skipped - waiting} skipped`] : []),
  ];
  const lines = [`${parts.join(', ')} · ${s.creditsSpent} of ${s.creditsPlanned} planned credits spent · ${s.elapsedSeconds.toFixed(1)} s`];
  for (const f of s.failures) lines.push(`  ${paint('red', '✖')} ${printable(`${f.id}: ${f.reason}`)}`);
  if (s.stopReason === 'insufficient-credits') lines.push('Stopped submitting: the account ran out of credits (412).');
  if (s.stopReason === 'interrupted') lines.push('Interrupted: state saved; run the same command again to continue.');
  if (s.pending) lines.push('Jobs still rendering are in the journal: `pixrender status FILE` or `pixrender render FILE` collects them.');
  // Escaped piece by piece above (the colours are the only control sequences kept).
  return lines.join('\n');
}
