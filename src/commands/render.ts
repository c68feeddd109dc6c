import { printable } from '../diagnostic.js';
import type { RunSummary } from '../events.js';
import { BackendError, runManifest, type RunOutcome } from '../pipeline.js';
import { formatSummary } from '../progress.js';
import { appendStepSummary, FinalStates, stepSummaryMarkdown } from '../step-summary.js';
import { BACKEND_OPTIONS, backendFlag, numberFlag, urlFlag, parseFlags, SELECT_OPTIONS, UsageError, usageLine, withUsage, selectionOf, type CommandSpec, type DeclaredCommand } from './args.js';
import { formatPlanNote } from './plan.js';
import { describeSelection } from '../select.js';
import { chooseView, exitCodeOf, interruptSignal, printOutcome, projectFolderProblem } from './report.js';

export const spec: CommandSpec = {
  name: 'render',
  synopsis: 'FILE [options]',
  summary: 'render a manifest',
  description: `Renders a manifest: validates it, plans (what renders, what is cached, what it costs), submits what
changed, downloads outputs and writes FILE.lock. Running it again on an unchanged manifest submits
nothing. Jobs already submitted by an interrupted run are collected, never submitted again.

Backend: with a token in $USEAPI_TOKEN (or the variable named by config tokenEnv) it renders through
the real API; without one it uses the embedded simulator (no credits spent).`,
  options: [
    ...BACKEND_OPTIONS,
    { name: 'no-wait', description: 'submit what can start now and exit; `pixrender status FILE` collects later' },
    { name: 'callbacks', description: 'receive job callbacks (replyUrl) on a local listener and poll less' },
    { name: 'callback-port', value: 'N', description: 'port of that listener (default: a free port on 127.0.0.1)' },
    { name: 'callback-url', value: 'URL', description: 'the public http(s) URL that forwards to the listener; a secret path segment is appended' },
    ...SELECT_OPTIONS,
  ],
  exitCodes: '0 ok, 1 jobs failed or skipped, 2 invalid input, 3 out of credits or over budget, 130 interrupted (state is saved; run again to continue)',
};

export const command: DeclaredCommand = {
  spec,
  run: (argv) => withUsage(() => runRender(argv, 'render', spec)),
};

export async function runRender(argv: string[], mode: 'render' | 'collect', commandSpec: CommandSpec): Promise<number> {
  const flags = parseFlags(argv, commandSpec);
  const [file, ...extra] = flags.positionals;
  if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n${usageLine(commandSpec)}`);
  // Ranges and URLs are checked by parseFlags (VALUE_RULES in args.ts), before anything is submitted.
  const backend = backendFlag(flags);
  const selection = selectionOf(flags);
  const json = flags.values.json === true;
  const timeScale = numberFlag(flags, 'time-scale');
  const apiUrl = urlFlag(flags, 'api-url');
  const callbackPort = numberFlag(flags, 'callback-port');
  const callbackUrl = urlFlag(flags, 'callback-url');
  const callbacks =
    flags.values.callbacks || callbackPort !== undefined || callbackUrl
      ? { ...(callbackPort !== undefined ? { port: callbackPort } : {}), ...(callbackUrl ? { publicUrl: callbackUrl, host: '0.0.0.0' } : {}) }
      : undefined;
  if (callbacks && mode === 'render') {
    const { checkCallbackPort, CallbackListenerError } = await import('../execute/callbacks.js');
    await checkCallbackPort(callbacks).catch((error: unknown) => {
      throw error instanceof CallbackListenerError ? new UsageError(error.message) : error;
    });
  }
  const blocked = await projectFolderProblem(file);
  if (blocked) {
    process.stderr.write(`pixrender: ${blocked}\n`);
    return 2;
  }
  const view = await chooseView(json, flags.values.plain === true);
  const interrupt = interruptSignal(view);
  const finals = new FinalStates();
  try {
    const outcome = await runManifest(file, {
      mode,
      ...(backend ? { backend } : {}),
      ...(apiUrl !== undefined ? { apiUrl } : {}),
      ...(timeScale !== undefined ? { simTimeScale: timeScale } : {}),
      ...(flags.values['no-wait'] ? { noWait: true } : {}),
      ...(callbacks && mode === 'render' ? { callbacks } : {}),
      ...(selection ? { select: selection } : {}),
      signal: interrupt.signal,
      onEvent: (e) => {
        view.onEvent(e);
        finals.onEvent(e);
      },
      onBackend: (b) => {
        if (json) process.stdout.write(`${JSON.stringify({ type: 'backend', kind: b.kind, description: b.description, slots: b.slots })}\n`);
        else process.stderr.write(b.kind === 'sim' ? `${b.standalone ? 'R' : 'No API token set: r'}endering on the ${printable(b.description)} (no credits are spent).\n` : `Rendering through the ${printable(b.description)}.\n`);
      },
      onSelection: (s) => {
        if (!json) process.stderr.write(`${describeSelection(s)}\n`);
      },
      onPlan: (plan, state) => {
        if (json) return;
        const t = plan.totals;
        if (mode === 'collect') process.stderr.write(`Collecting ${state.pending.size} submitted job(s); nothing new is submitted.\n`);
        else process.stderr.write(`Plan: ${t.render} to render (${t.credits} credits), ${t.inFlight > 0 ? `${t.inFlight} in flight (${t.creditsCommitted} credits already committed), ` : ''}${t.cached} cached, ${t.download} to restore.\n`);
        for (const note of plan.notes ?? []) process.stderr.write(`${formatPlanNote(note)}\n`);
      },
    });
    view.close();
    printOutcome(outcome, json);
    if (outcome.kind === 'ran' && !json) printCreditDifferences(outcome.summary);
    if (outcome.kind === 'ran') await writeStepSummary(file, mode, outcome, finals);
    return exitCodeOf(outcome);
  } catch (error) {
    view.close();
    if (error instanceof BackendError) {
      process.stderr.write(`pixrender: ${printable(error.message)}\n`);
      return 2;
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
}

/** In GitHub Actions, the run as a Markdown job summary. */
async function writeStepSummary(file: string, mode: 'render' | 'collect', outcome: Extract<RunOutcome, { kind: 'ran' }>, finals: FinalStates): Promise<void> {
  const headline = formatSummary(outcome.summary).split('\n')[0]!;
  const markdown = stepSummaryMarkdown({ title: `pixrender ${mode === 'render' ? 'render' : 'status'} ${file}`, plan: outcome.plan, lock: outcome.lock, summary: outcome.summary, finals: finals.jobs, headline });
  await appendStepSummary(markdown).catch((error: unknown) => process.stderr.write(`pixrender: cannot write the GitHub step summary: ${printable(String(error))}\n`));
}

/** Jobs the API charged differently from the plan (a price the catalog does not know yet). */
export function printCreditDifferences(summary: RunSummary): void {
  const differences = summary.creditDifferences ?? [];
  if (differences.length === 0) return;
  const extra = differences.reduce((sum, d) => sum + d.charged - d.planned, 0);
  process.stdout.write(`Charged ${extra >= 0 ? `${extra} more` : `${-extra} fewer`} credits than planned:\n`);
  for (const d of differences) process.stdout.write(`  ${d.id}: planned ${d.planned}, charged ${d.charged}\n`);
  if (summary.stopReason === 'budget') process.stdout.write('Stopped submitting: the next job could have spent more than the plan showed.\n');
}
