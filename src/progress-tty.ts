/**
 * The live view for terminals, in its own module: log-update and cli-truncate load only when a run
 * is shown on a TTY, not for plan, validate or a CI log.
 */
import cliTruncate from 'cli-truncate';
import { createLogUpdate } from 'log-update';
import { noPaint, type Paint, type Style } from './colour.js';
import { printable } from './diagnostic.js';
import { EtaTracker } from './eta.js';
import type { JobState } from './events.js';
import { SYMBOL, type ProgressView, type Write } from './progress.js';

export interface Screen {
  /** Read at every redraw, so a resized terminal is followed. */
  columns(): number;
  rows(): number;
}

const stdoutScreen: Screen = { columns: () => process.stdout.columns ?? 80, rows: () => process.stdout.rows ?? 24 };

/**
 * A live block redrawn in place by log-update: one overall line (done/total, credits, elapsed, ETA),
 * the counts by state, and the jobs in flight. Every line is cut to the terminal's width, so none wraps
 * and each redraw erases exactly the rows it drew; warnings, failures and notes (`persist`) print above
 * the block and stay.
 */
export function ttyView(write: Write, screen: Screen = stdoutScreen, paint: Paint = noPaint): ProgressView {
  const stream = {
    write: (text: string) => (write(text), true),
    get columns() {
      return screen.columns();
    },
    get rows() {
      return screen.rows();
    },
    isTTY: true,
  };
  const update = createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: true });
  const eta = new EtaTracker();
  const jobs = new Map<string, { state: JobState; since: number }>();
  let total = 0;
  let plannedCredits = 0;
  let slots = 1;
  let started = Date.now();
  let credits = 0;
  let dirty = false;
  let ticks = 0;
  let closed = false;
  // Redraw on events, and every second anyway so elapsed times and ETAs move.
  const timer = setInterval(() => (dirty || ++ticks % 10 === 0) && draw(), 100);
  timer.unref();
  let post: string | undefined;
  const fit = (line: string) => cliTruncate(line, Math.max(10, screen.columns() - 1));

  let begun = false;
  function draw(): void {
    if (closed || !begun) return;
    dirty = false;
    const now = Date.now();
    const counts = new Map<JobState, number>();
    for (const j of jobs.values()) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
    const finished = (counts.get('done') ?? 0) + (counts.get('cached') ?? 0);
    const active = [...jobs.entries()].filter(([, j]) => ['uploading', 'submitting', 'rendering', 'downloading'].includes(j.state));
    const notStarted = (counts.get('waiting') ?? 0) + (counts.get('queued') ?? 0) + (total - jobs.size);
    const left = eta.overall(now, notStarted, slots);
    const room = Math.max(3, screen.rows() - 4);
    const lines = [
      `${paint('bold', `${finished}/${total} done`)} · ${credits} of ${plannedCredits} credits · ${Math.round((now - started) / 1000)} s${left === undefined ? '' : ` · eta ${formatSeconds(left)}`}`,
      [...counts].map(([s, n]) => `${paint(STYLE[s], SYMBOL[s])} ${s} ${n}`).join('  '),
      ...active.slice(0, room).map(([id, j]) => {
        const elapsed = Math.round((now - j.since) / 1000);
        const remaining = j.state === 'rendering' ? eta.remaining(id, now) : undefined;
        const due = remaining === undefined ? '' : remaining > 0 ? ` eta ${formatSeconds(remaining)}` : ' due now';
        // A long id (matrix cells) gives way in its middle, so the state and the ETA stay in view.
        const tail = ` ${j.state} ${elapsed} s${due}`;
        const idRoom = Math.max(8, screen.columns() - 1 - 4 - tail.length);
        return `  ${paint(STYLE[j.state], SYMBOL[j.state])} ${cliTruncate(printable(id), idRoom, { position: 'middle' })}${tail}`;
      }),
      ...(active.length > room ? [`  … and ${active.length - room} more`] : []),
      ...(post ? [`  ${printable(post)}`] : []),
    ];
    update(lines.map(fit).join('\n'));
  }

  const persist = (text: string): void => {
    if (closed) return void write(`${text}\n`);
    // Cut too, so the lines above the block never wrap either.
    update.persist(text.split('\n').map(fit).join('\n'));
    dirty = true;
  };

  return {
    onEvent(e) {
      const now = Date.now();
      if (e.type === 'run-start') {
        begun = true;
        total = e.jobs;
        plannedCredits = e.credits;
        slots = Math.max(1, e.slots);
        started = Date.parse(e.at);
      } else if (e.type === 'job') {
        const prev = jobs.get(e.id);
        jobs.set(e.id, { state: e.state, since: prev && prev.state === e.state ? prev.since : now });
        if (e.state === 'rendering' && prev?.state !== 'rendering') {
          credits += e.credits ?? 0;
          if (e.etaSeconds !== undefined) eta.start(e.id, e.etaSeconds, now);
        } else if (e.state !== 'rendering') eta.stop(e.id, now, e.state === 'downloading' || e.state === 'done');
        if (e.state === 'failed') persist(`${paint('red', '✖')} ${printable(`${e.id}: ${e.message ?? 'failed'}`)}`);
      } else if (e.type === 'post' && e.state !== 'failed') {
        post = e.state === 'running' ? `${e.step} → ${e.output}…` : undefined;
      }
      if (e.type === 'warning') persist(`${paint('yellow', 'warning:')} ${printable(e.message)}`);
      if (e.type === 'post' && e.state === 'failed') persist(`${paint('red', '✖')} ${printable(`${e.step} → ${e.output}: ${e.message}`)}`);
      dirty = true;
    },
    persist,
    close() {
      clearInterval(timer);
      if (closed) return;
      draw();
      update.done();
      closed = true;
    },
  };
}

const STYLE: Record<JobState, Style> = {
  waiting: 'dim',
  queued: 'dim',
  uploading: 'cyan',
  submitting: 'cyan',
  rendering: 'cyan',
  downloading: 'cyan',
  done: 'green',
  cached: 'green',
  failed: 'red',
  skipped: 'yellow',
  pending: 'yellow',
};

function formatSeconds(s: number): string {
  const r = Math.max(1, Math.round(s));
  return r < 120 ? `~${r} s` : r < 7200 ? `~${Math.round(r / 60)} min` : `~${(r / 3600).toFixed(1)} h`;
}

