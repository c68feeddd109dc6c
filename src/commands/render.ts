import type { Command } from '../cli.js';
import { printable } from '../diagnostic.js';
import type { RunSummary } from '../events.js';
import { BackendError, runManifest, type BackendChoice } from '../pipeline.js';
import { numberFlag, parseFlags, UsageError, withUsage } from './args.js';
import { formatPlanNote } from './plan.js';
import { chooseView, exitCodeOf, interruptSignal, printOutcome, projectFolderProblem } from './report.js';

const usage = `Usage: pixrender render FILE [options]

Renders a manifest: validates it, plans (what renders, what is cached, what it costs), submits what
changed, downloads outputs and writes FILE.lock. Running it again on an unchanged manifest submits
nothing. Jobs already submitted by an interrupted run are collected, never submitted again.

Backend: with a token in $USEAPI_TOKEN (or the variable named by config tokenEnv) it renders through
the real API; without one it uses the embedded simulator (no credits spent).

Options:
  --backend sim|useapi   force a backend (default: useapi when a token is set, else sim)
  --api-url URL          API base URL (e.g. a standalone \`pixrender sim\`); needs a token
  --time-scale F         simulator time scale (embedded sim, or to pace polling of a standalone one)
  --no-wait              submit what can start now and exit; \`pixrender status FILE\` collects later
  --callbacks            receive job callbacks (replyUrl) on a local listener and poll less
  --callback-port N      port of that listener (default: a free port on 127.0.0.1)
  --callback-url URL     the URL the API should call, when the listener sits behind a public address
  --json                 NDJSON events on stdout instead of the live view
  --plain                plain progress lines even on a terminal
  -h, --help             show this help

Exit codes: 0 ok, 1 jobs failed or skipped, 2 invalid input, 3 out of credits or over budget,
130 interrupted (state is saved; run again to continue).`;

export const command: Command = {
  summary: 'render a manifest',
  usage,
  run: (argv) => withUsage(() => runRender(argv, 'render')),
};

export async function runRender(argv: string[], mode: 'render' | 'collect', usageText = usage): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      backend: { type: 'string' },
      'api-url': { type: 'string' },
      'time-scale': { type: 'string' },
      json: { type: 'boolean' },
      plain: { type: 'boolean' },
      // Only render submits, so only render has a use for callbacks and --no-wait.
      ...(mode === 'render'
        ? { 'no-wait': { type: 'boolean' }, callbacks: { type: 'boolean' }, 'callback-port': { type: 'string' }, 'callback-url': { type: 'string' } }
        : {}),
    },
    usageText,
  );
  const [file, ...extra] = flags.positionals;
  if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n\n${usageText}`);
  const backend = flags.values.backend as string | undefined;
  if (backend !== undefined && backend !== 'sim' && backend !== 'useapi') throw new UsageError(`--backend must be sim or useapi, got "${backend}"`);
  const json = flags.values.json === true;
  const timeScale = numberFlag(flags, 'time-scale');
  const callbackPort = numberFlag(flags, 'callback-port');
  const callbackUrl = flags.values['callback-url'] as string | undefined;
  const callbacks =
    flags.values.callbacks || callbackPort !== undefined || callbackUrl
      ? { ...(callbackPort !== undefined ? { port: callbackPort } : {}), ...(callbackUrl ? { publicUrl: callbackUrl, host: '0.0.0.0' } : {}) }
      : undefined;
  const blocked = await projectFolderProblem(file);
  if (blocked) {
    process.stderr.write(`pixrender: ${blocked}\n`);
    return 2;
  }
  const view = chooseView(json, flags.values.plain === true);
  const interrupt = interruptSignal();
  try {
    const outcome = await runManifest(file, {
      mode,
      ...(backend ? { backend: backend as BackendChoice } : {}),
      ...(typeof flags.values['api-url'] === 'string' ? { apiUrl: flags.values['api-url'] } : {}),
      ...(timeScale !== undefined ? { simTimeScale: timeScale } : {}),
      ...(flags.values['no-wait'] ? { noWait: true } : {}),
      ...(callbacks && mode === 'render' ? { callbacks } : {}),
      signal: interrupt.signal,
      onEvent: (e) => view.onEvent(e),
      onBackend: (b) => {
        if (json) process.stdout.write(`${JSON.stringify({ type: 'backend', kind: b.kind, description: b.description, slots: b.slots })}\n`);
        else process.stderr.write(b.kind === 'sim' ? `${b.standalone ? 'R' : 'No API token set: r'}endering on the ${printable(b.description)} (no credits are spent).\n` : `Rendering through the ${printable(b.description)}.\n`);
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

/** Jobs the API charged differently from the plan (a price the catalog does not know yet). */
export function printCreditDifferences(summary: RunSummary): void {
  const differences = summary.creditDifferences ?? [];
  if (differences.length === 0) return;
  const extra = differences.reduce((sum, d) => sum + d.charged - d.planned, 0);
  process.stdout.write(`Charged ${extra >= 0 ? `${extra} more` : `${-extra} fewer`} credits than planned:\n`);
  for (const d of differences) process.stdout.write(`  ${d.id}: planned ${d.planned}, charged ${d.charged}\n`);
  if (summary.stopReason === 'budget') process.stdout.write('Stopped submitting: the next job could have spent more than the plan showed.\n');
}
