/** Printing shared by the commands that load a manifest: diagnostics and run outcomes → text and exit codes. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { formatDiagnostic, printable, withSourceTexts, type Diagnostic } from '../diagnostic.js';
import { coloursFor, inCI, painter } from '../colour.js';
import { diagnosticRecord } from '../diagnostic-formats.js';
import { formatSummary, ndjsonView, plainView, type ProgressView } from '../progress.js';
import type { RunOutcome } from '../pipeline.js';
import { assertStateWithin } from '../state/contained.js';
import { isDiskError, refusalCause } from '../state/fs.js';
import { formatPlanNote } from './plan.js';

export function printDiagnostics(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, json = false): void {
  if (json) {
    // The same record as validate --json (file, line, column, code, severity, message, hint), plus the raw location.
    for (const d of diagnostics) process.stdout.write(`${JSON.stringify({ type: 'diagnostic', ...d, ...diagnosticRecord(d, sources) })}\n`);
    return;
  }
  // Config diagnostics point into a file the manifest stage did not read: read it to show line:col.
  const texts = withSourceTexts(diagnostics, sources);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, texts)}\n`);
}

/**
 * Why pixrender could not keep its state next to the manifest: `.pixrender` or the lock file blocked
 * by something else, or (`write`) the folder not writable. Checked before a run or a plan opens anything.
 */
export async function projectFolderProblem(manifestFile: string, { write = true } = {}): Promise<string | undefined> {
  const dir = dirname(resolve(manifestFile));
  const shown = (p: string) => printable(relative(process.cwd(), p) || p);
  const state = join(dir, '.pixrender');
  const lock = `${resolve(manifestFile)}.lock`;
  const kind = async (p: string) => stat(p).then((s) => (s.isDirectory() ? 'folder' : 'file'), () => undefined);
  // No folder, so no manifest in it: loading the manifest says so (file-not-found), not "cannot write".
  if ((await kind(dir)) === undefined) return undefined;
  if ((await kind(state)) === 'file') return `cannot keep state in ${shown(state)}: it is a file, not a folder; move it away`;
  if ((await kind(lock)) === 'folder') return `cannot write the lock file ${shown(lock)}: it is a folder; move it away`;
  const outside = await assertStateWithin(manifestFile).then(
    () => undefined,
    (e: unknown) => (isDiskError(e, 'outside-project') ? e : Promise.reject(e)),
  );
  if (outside) return `cannot keep state in ${shown(outside.path)}: it is a symbolic link that leads outside the project; make it a folder of the project`;
  if (!write) return undefined;
  const writable = (await kind(state)) ? state : dir;
  try {
    await access(writable, constants.W_OK);
  } catch (e) {
    return `cannot write in ${shown(writable)}: ${refusalCause(e) ?? 'permission denied'} (pixrender keeps the lock file and .pixrender/ there)`;
  }
  return undefined;
}

export async function chooseView(json: boolean, plain: boolean): Promise<ProgressView> {
  const write = (text: string) => void process.stdout.write(text);
  if (json) return ndjsonView(write);
  if (!plain && process.stdout.isTTY && !inCI()) return (await import('../progress-tty.js')).ttyView(write, undefined, painter(coloursFor(process.stdout)));
  return plainView(write);
}

/**
 * Exit codes: 0 ok (jobs still pending included), 1 jobs failed, 2 invalid input, 3 credits/budget,
 * 70 an internal error inside a job, 130 interrupted.
 */
export function exitCodeOf(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case 'invalid':
      return 2;
    case 'over-budget':
      return 3;
    case 'refused':
      return 0;
    case 'ran': {
      const s = outcome.summary;
      if (s.stopReason === 'interrupted') return 130;
      if (s.stopReason === 'insufficient-credits') return 3;
      if (s.failures.some((f) => f.outcome?.kind === 'bug')) return 70;
      // Only failures count: jobs still rendering, or waiting for a slot or for such an input, are not.
      return s.failures.length > 0 ? 1 : 0;
    }
  }
}

export function printOutcome(outcome: RunOutcome, json: boolean): void {
  if (outcome.kind === 'invalid') return printDiagnostics(outcome.diagnostics, outcome.sources, json);
  if (outcome.kind === 'over-budget') {
    const { totals, budgetCredits } = outcome.plan;
    const message = `refusing to start: the plan costs ${totals.credits} credits, over the budget of ${budgetCredits} (nothing was submitted)`;
    if (json) process.stdout.write(`${JSON.stringify({ type: 'refused', reason: 'budget', credits: totals.credits, budget: budgetCredits })}\n`);
    else {
      // Why the price may be higher than the user expects: the assumptions behind it.
      for (const note of outcome.plan.notes ?? []) process.stderr.write(`${formatPlanNote(note)}\n`);
      process.stderr.write(`pixrender: ${message}\n`);
    }
    return;
  }
  if (outcome.kind !== 'ran' || json) return;
  const s = outcome.summary;
  process.stdout.write(`${formatSummary(s, painter(coloursFor(process.stdout)))}\n`);
  // A bug's stack is what a report needs; it names code, never the token.
  for (const f of s.failures)
    if (f.outcome?.kind === 'bug') process.stderr.write(`pixrender: internal error in ${printable(f.id)}: ${printable(f.outcome.stack ?? f.outcome.message)}\n`);
}

/**
 * First Ctrl-C aborts the returned signal (stop submitting, save state); a second exits at once —
 * the journal is already on disk.
 */
export function interruptSignal(view?: { persist?(text: string): void }): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    const message = 'Stopping: no new submissions; saving state. Press Ctrl-C again to exit now.';
    // Above a live view's block, so its next redraw does not erase the line.
    if (view?.persist) view.persist(message);
    else process.stderr.write(`\n${message}\n`);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
