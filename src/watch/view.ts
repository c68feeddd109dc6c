/**
 * How a watch session is shown: NDJSON events with --json; otherwise watch-level lines on stderr
 * ("change detected: 2 jobs stale (intro, intro.1), 60 credits", "watching 5 files") around each run's
 * progress view (live on a TTY, plain lines elsewhere) and its summary on stdout.
 */
import { relative } from 'node:path';
import { formatDiagnostic, printableText, withSourceTexts, type Diagnostic } from '../diagnostic.js';
import type { RunEvent, RunSummary } from '../events.js';
import { formatSummary, type ProgressView } from '../progress.js';
import { isWatchEvent, type SessionEvent, type WatchEvent } from './events.js';

type Write = (text: string) => void;

export interface SessionView {
  onEvent(event: SessionEvent): void;
  /** A line that must stay visible, above a live run's block when one is drawn. */
  persist?(text: string): void;
  close(): void;
}

/** One NDJSON line per event; an `invalid` event carries its diagnostics but not the source texts. */
export function ndjsonSessionView(write: Write): SessionView {
  return {
    onEvent: (e) => write(`${JSON.stringify(e, (key, value) => (key === 'sources' ? undefined : value))}\n`),
    close: () => {},
  };
}

export interface TextViewOptions {
  /** Progress lines and run summaries. */
  out: Write;
  /** Watch-level lines and diagnostics. */
  err: Write;
  /** A fresh progress view for each run. */
  runView: () => ProgressView;
  /** Paths are shown relative to this folder. @default process.cwd() */
  cwd?: string;
}

export function textSessionView(options: TextViewOptions): SessionView {
  // Lines here are built from file names, job ids and messages: control characters in them are escaped.
  const out: Write = (text) => options.out(printableText(text));
  const err: Write = (text) => options.err(printableText(text));
  const shown = (file: string) => relative(options.cwd ?? process.cwd(), file) || file;
  let run: ProgressView | undefined;
  /** The run going on was stopped by a newer change (not by Ctrl-C): a re-run follows by itself. */
  let superseded = false;
  let changed: string[] = [];
  let first = false;

  const onRunEvent = (e: RunEvent): void => {
    if (!run && e.type === 'warning') return err(`warning: ${e.id ? `${e.id}: ` : ''}${e.message}\n`);
    if (e.type === 'run-start') {
      run = options.runView();
      superseded = false;
    }
    run?.onEvent(e);
    if (e.type === 'run-end') {
      run?.close();
      run = undefined;
      out(`${superseded ? supersededSummary(e.summary) : formatSummary(e.summary)}\n`);
    }
  };

  const onWatchEvent = (e: WatchEvent): void => {
    switch (e.type) {
      case 'watching':
        err(`watching ${plural(e.files.length, 'file')}: ${e.files.map(shown).join(', ')}\n`);
        return;
      case 'change':
        changed = e.files.map(shown);
        first = e.first;
        return;
      case 'superseded': {
        superseded = run !== undefined;
        const message = `change detected (${e.files.map(shown).join(', ')}): no new submissions; jobs in flight stay in the journal; re-running once this run stops`;
        // Inside a live view, a warning is printed above its block instead of breaking the redraw.
        if (run) run.onEvent({ type: 'warning', at: e.at, message });
        else err(`${message}\n`);
        return;
      }
      case 'invalid':
        err(`${first ? 'not rendering' : headline(changed)}: invalid, ${plural(e.errors, 'error')}; nothing submitted, outputs untouched\n`);
        printDiagnostics(err, e.diagnostics, e.sources);
        return;
      case 'warnings':
        printDiagnostics(err, e.diagnostics, e.sources);
        return;
      case 'plan': {
        const what = e.jobs.length === 0 ? 'nothing to render' : `${plural(e.jobs.length, 'job')} ${e.first ? 'to render' : 'stale'} (${listed(e.jobs)}), ${e.credits} credits`;
        const extra = [...(e.cached ? [`${e.cached} cached`] : []), ...(e.download ? [`${e.download} to restore`] : [])];
        err(`${e.first ? 'first render' : headline(changed)}: ${what}${extra.length ? `; ${extra.join(', ')}` : ''}\n`);
        return;
      }
      case 'refused':
        err(
          e.reason === 'session-budget'
            ? `refused: this change costs ${e.credits} credits and the session has spent ${e.sessionSpent} of its ${e.budget}-credit budget (--budget); nothing submitted, still watching\n`
            : `refused: this run costs ${e.credits} credits, over the manifest's budget of ${e.budget}; nothing submitted, still watching\n`,
        );
        return;
      case 'backend':
        err(e.kind === 'sim' ? `No API token set: rendering on the ${e.description}.\n` : `Rendering through the ${e.description}.\n`);
        return;
      case 'error':
        err(`pixrender watch: ${e.message}\n`);
        return;
      case 'idle': {
        const spent = `${e.sessionSpent}${e.budget !== undefined ? ` of ${e.budget}` : ''} credits spent this session`;
        err(`watching ${plural(e.files, 'file')} · ${spent} · Ctrl-C to stop\n`);
        return;
      }
    }
  };

  return {
    onEvent: (e) => (isWatchEvent(e) ? onWatchEvent(e) : onRunEvent(e)),
    persist: (text) => (run?.persist ? run.persist(printableText(text)) : err(`${text}\n`)),
    close: () => run?.close(),
  };
}

/** Diagnostics with their source lines, also of files the manifest stage did not read (the config). */
function printDiagnostics(err: Write, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): void {
  const texts = withSourceTexts(diagnostics, sources);
  for (const d of diagnostics) err(`${formatDiagnostic(d, texts)}\n`);
}

/** The summary of a run a newer change stopped: no "run again" advice, the re-run is on its way. */
function supersededSummary(s: RunSummary): string {
  const [counts, ...rest] = formatSummary({ ...s, stopReason: undefined, pending: 0 }).split('\n');
  const still = s.pending ? `${s.pending} still rendering (the re-run collects ${s.pending === 1 ? 'it' : 'them'}); ` : '';
  return [counts, ...rest.filter((l) => l.startsWith('  ✖')), `stopped for a newer change: ${still}re-running`].join('\n');
}

function headline(changed: string[]): string {
  return changed.length ? `change detected (${changed.join(', ')})` : 'change detected';
}

function listed(ids: readonly string[], max = 6): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, … and ${ids.length - max} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
