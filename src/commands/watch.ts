import { dirname, resolve } from 'node:path';
import type { Command } from '../cli.js';
import { loadProjectConfig } from '../config.js';
import { hasErrors, printable } from '../diagnostic.js';
import { plainView } from '../progress.js';
import { backendFlag, numberFlag, parseFlags, requireFiles, SELECT_FLAGS, selectionOf, UsageError, urlFlag, withUsage } from './args.js';
import type { Selection } from '../select.js';
import { interruptSignal, printDiagnostics, projectFolderProblem } from './report.js';
import { inCI } from '../colour.js';

const usage = `Usage: pixrender watch FILE [options]

Renders the manifest once, then watches it, its project config file and every local asset it uses, and
on each save renders exactly what changed: jobs whose fingerprint changed and the jobs that depend on
them. Unchanged jobs make no API call. An invalid save prints diagnostics and submits nothing.

A save during a run stops that run's submissions (jobs already submitted stay in the journal) and
queues one re-run: unchanged jobs in flight are collected, never submitted twice; renders of a version
that changed meanwhile are kept in .pixrender/aside/.

Options:
  --debounce MS          quiet time after the last save before re-rendering (default 200)
  --budget N             credits this whole session may spend; a change that would go over is refused
                         (nothing submitted) and watching goes on
  --preview              render every save cheaply (360p, 5 s where the model allows it), with its own
                         lock and journal (.pixrender/preview/) and outputs (<output dir>/preview/)
  --backend sim|useapi   force a backend (default: useapi when a token is set, else sim)
  --api-url URL          API base URL (e.g. a standalone \`pixrender sim\`); needs a token
  --time-scale F         simulator time scale
  --json                 NDJSON events on stdout (watch events: watching, change, superseded, invalid,
                         plan, refused, backend, error, idle; and every run's events)
  --plain                plain progress lines even on a terminal
  --serve                serve the gallery on http://127.0.0.1 and update it live as jobs start,
                         finish, fail or go stale (see pixrender gallery)
  --port N               the gallery's port with --serve (default: any free port)
  --only PATTERN         only these jobs and what they need, on every save: an id or a glob such
                         as hero[*] or hero[aspect=9:16,*] (repeatable); the others stay as locked
  --exclude PATTERN      leave these jobs out; a job a selected one needs still comes along (repeatable)
  -h, --help             show this help

Ctrl-C stops submitting and exits once state is saved; a second Ctrl-C exits at once.
Exit codes: 0 stopped while idle, 2 invalid options or no usable backend, 130 stopped during a run
(state is saved; render or watch again to continue).`;

/** The selection in the user's words: each run's plan then shows what it kept. */
const describeSelectionFlags = (s: Selection): string =>
  `Watching a selection: ${[...s.only.map((p) => `--only ${printable(p)}`), ...s.exclude.map((p) => `--exclude ${printable(p)}`)].join(' ')} (with the jobs it needs); other jobs stay as locked.`;

export const command: Command = {
  summary: 'render, then re-render what changes on every save',
  usage,
  run: (argv) => withUsage(() => runWatch(argv)),
};

async function runWatch(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      debounce: { type: 'string' },
      budget: { type: 'string' },
      preview: { type: 'boolean' },
      backend: { type: 'string' },
      'api-url': { type: 'string' },
      'time-scale': { type: 'string' },
      json: { type: 'boolean' },
      plain: { type: 'boolean' },
      serve: { type: 'boolean' },
      port: { type: 'string' },
      ...SELECT_FLAGS,
    },
    usage,
  );
  const selection = selectionOf(flags);
  const [file, ...extra] = flags.positionals;
  if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n\n${usage}`);
  const backend = backendFlag(flags);
  // Ranges and URLs are checked by parseFlags (VALUE_RULES in args.ts).
  const debounceMs = numberFlag(flags, 'debounce');
  const budgetCredits = numberFlag(flags, 'budget');
  const timeScale = numberFlag(flags, 'time-scale');
  const apiUrl = urlFlag(flags, 'api-url');
  const json = flags.values.json === true;
  const port = numberFlag(flags, 'port');
  if (port !== undefined && !flags.values.serve) throw new UsageError('--port needs --serve');
  // A manifest that is there but broken is watched until a save fixes it; one that is not there is a typo.
  requireFiles([file]);

  // A broken project config stops watch before it starts (exit 2) like every other command; a broken
  // manifest does not: watch waits for the save that fixes it.
  const config = await loadProjectConfig(dirname(resolve(file)));
  if (hasErrors(config.diagnostics)) {
    printDiagnostics(config.diagnostics, config.sources ?? new Map());
    return 2;
  }
  const blocked = await projectFolderProblem(file);
  if (blocked) {
    process.stderr.write(`pixrender: ${blocked}\n`);
    return 2;
  }

  // Loaded here, not at the top: the CLI loads commands lazily and the watcher pulls in chokidar.
  const { watchManifest } = await import('../watch.js');
  const { ndjsonSessionView, textSessionView } = await import('../watch/view.js');
  const out = (text: string) => void process.stdout.write(text);
  const err = (text: string) => void process.stderr.write(text);
  const live = flags.values.plain !== true && process.stdout.isTTY === true && !inCI();
  const tty = live && !json ? (await import('../progress-tty.js')).ttyView : undefined;
  const view = json ? ndjsonSessionView(out) : textSessionView({ out, err, runView: () => (tty ? tty(out) : plainView(out)) });

  if (flags.values.preview && !json)
    err('Preview: each save renders at 360p and 5 s where the model allows; clips go to <output dir>/preview/ and state to .pixrender/preview/ (the real lock and outputs are left alone).\n');
  const gallery = flags.values.serve
    ? await import('../gallery/server.js').then(({ startGalleryServer, GalleryServerError }) =>
        startGalleryServer(file, { ...(port !== undefined ? { port } : {}), ...(flags.values.preview ? { preview: true } : {}) }).catch((e: unknown) => {
          throw e instanceof GalleryServerError ? new UsageError(e.message) : e;
        }),
      )
    : undefined;
  if (gallery) err(`Gallery: ${gallery.url}\n`);
  if (selection && !json) err(`${describeSelectionFlags(selection)}\n`);
  const interrupt = interruptSignal(view);
  try {
    const result = await watchManifest(file, {
      signal: interrupt.signal,
      onEvent: (e) => {
        view.onEvent(e);
        gallery?.onEvent(e);
      },
      ...(debounceMs !== undefined ? { debounceMs } : {}),
      ...(budgetCredits !== undefined ? { budgetCredits } : {}),
      ...(flags.values.preview ? { preview: true } : {}),
      ...(selection ? { select: selection } : {}),
      ...(backend ? { backend } : {}),
      ...(apiUrl !== undefined ? { apiUrl } : {}),
      ...(timeScale !== undefined ? { simTimeScale: timeScale } : {}),
    });
    view.close();
    if (result.error !== undefined) return 2;
    return result.interrupted ? 130 : 0;
  } finally {
    interrupt.dispose();
    await gallery?.close();
  }
}
