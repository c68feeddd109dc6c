/**
 * How a run is shown: a live view on a TTY, plain lines elsewhere (CI logs), or NDJSON events with
 * --json. The executor only emits RunEvents; choosing among these is the CLI's business.
 * Ids, messages and file names come from the manifest or the API: every line shown is escaped with
 * printable(), so a control character in them cannot act on the terminal.
 */
import { printable } from './diagnostic.js';
import type { JobState, RunEvent, RunSummary } from './events.js';
import { disposition } from './execute/outcome.js';

export interface ProgressView {
  onEvent(event: RunEvent): void;
  /** Stops redrawing (the final summary is printed by the caller). */
  close(): void;
}

type Write = (text: string) => void;

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

const SYMBOL: Record<JobState, string> = {
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

/** A live block redrawn in place: counts, credits, elapsed, and the jobs in flight with their ETA. */
export function ttyView(write: Write, rows = process.stdout.rows ?? 24): ProgressView {
  const jobs = new Map<string, { state: JobState; since: number; eta?: number; message?: string }>();
  let header = '';
  let started = Date.now();
  let credits = 0;
  let drawn = 0;
  let dirty = false;
  let ticks = 0;
  // Redraw on events, and every second anyway so elapsed times and ETAs move.
  const timer = setInterval(() => (dirty || ++ticks % 10 === 0) && draw(), 100);
  timer.unref();
  let post: string | undefined;

  function draw(): void {
    dirty = false;
    const now = Date.now();
    const counts = new Map<JobState, number>();
    for (const j of jobs.values()) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
    const active = [...jobs.entries()].filter(([, j]) => ['uploading', 'submitting', 'rendering', 'downloading'].includes(j.state));
    const room = Math.max(3, rows - 4);
    const lines = [
      `${header} · ${Math.round((now - started) / 1000)} s · ${credits} credits`,
      [...counts].map(([s, n]) => `${SYMBOL[s]} ${s} ${n}`).join('  '),
      ...active.slice(0, room).map(([id, j]) => {
        const elapsed = Math.round((now - j.since) / 1000);
        const eta = j.eta !== undefined ? ` eta ${Math.max(0, Math.round(j.eta - (now - j.since) / 1000))} s` : '';
        return `  ${SYMBOL[j.state]} ${id} ${j.state} ${elapsed} s${eta}`;
      }),
      ...(active.length > room ? [`  … and ${active.length - room} more`] : []),
      ...(post ? [`  ${post}`] : []),
    ];
    write(`${drawn > 0 ? `\x1b[${drawn}F` : ''}\x1b[J${lines.map(printable).join('\n')}\n`);
    drawn = lines.length;
  }

  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        header = `${e.jobs} jobs, ${e.toRender} to render on ${e.slots} slots`;
        started = Date.parse(e.at);
      } else if (e.type === 'job') {
        const prev = jobs.get(e.id);
        jobs.set(e.id, {
          state: e.state,
          since: prev && prev.state === e.state ? prev.since : Date.now(),
          ...(e.etaSeconds !== undefined ? { eta: e.etaSeconds } : prev?.eta !== undefined ? { eta: prev.eta } : {}),
          ...(e.message ? { message: e.message } : {}),
        });
        if (e.state === 'rendering' && prev?.state !== 'rendering') credits += e.credits ?? 0;
        if (e.state === 'failed') {
          write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${printable(`✖ ${e.id}: ${e.message ?? 'failed'}`)}\n`);
          drawn = 0;
        }
      } else if (e.type === 'post' && e.state !== 'failed') {
        post = e.state === 'running' ? `${e.step} → ${e.output}…` : undefined;
      }
      if (e.type === 'warning' || (e.type === 'post' && e.state === 'failed')) {
        write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${printable(e.type === 'warning' ? `warning: ${e.message}` : `✖ ${e.step} → ${e.output}: ${e.message}`)}\n`);
        drawn = 0;
      }
      dirty = true;
    },
    close() {
      clearInterval(timer);
      if (dirty) draw();
    },
  };
}

export function formatSummary(s: RunSummary): string {
  // Skipped jobs that are not failures wait for a slot or for an input still rendering.
  const skippedFailures = s.failures.filter((f) => f.outcome && disposition(f.outcome).state === 'skipped').length;
  const waiting = Math.max(0, s.skipped - skippedFailures);
  const parts = [
    `${s.done} rendered`,
    `${s.cached} cached`,
    ...(s.downloaded ? [`${s.downloaded} restored`] : []),
    ...(s.pending ? [`${s.pending} still rendering`] : []),
    ...(s.failed ? [`${s.failed} failed`] : []),
    ...(waiting ? [`${waiting} waiting`] : []),
    ...(s.skipped - waiting ? [`${s.skipped - waiting} skipped`] : []),
  ];
  const lines = [`${parts.join(', ')} · ${s.creditsSpent} of ${s.creditsPlanned} planned credits spent · ${s.elapsedSeconds.toFixed(1)} s`];
  for (const f of s.failures) lines.push(`  ✖ ${f.id}: ${f.reason}`);
  if (s.stopReason === 'insufficient-credits') lines.push('Stopped submitting: the account ran out of credits (412).');
  if (s.stopReason === 'interrupted') lines.push('Interrupted: state saved; run the same command again to continue.');
  if (s.pending) lines.push('Jobs still rendering are in the journal: `pixrender status FILE` or `pixrender render FILE` collects them.');
  return lines.map(printable).join('\n');
}
