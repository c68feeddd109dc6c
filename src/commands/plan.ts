/** `pixrender plan FILE`: what would render, what is cached, what it costs; nothing is submitted. */
import type { Command } from '../cli.js';
import { printable, unreachable, type Diagnostic } from '../diagnostic.js';
import { diagnosticRecord } from '../diagnostic-formats.js';
import type { Plan, PlannedJob, PlanNote } from '../model.js';
import { renderSpecOf } from '../plan.js';
import { backendFlag, numberFlag, parseFlags, SELECT_FLAGS, selectionOf, UsageError, urlFlag, withUsage } from './args.js';
import { describeSelection } from '../select.js';
import { planManifest } from '../plan-inputs.js';
import { printDiagnostics, projectFolderProblem } from './report.js';

const usage = `Usage: pixrender plan FILE [--json] [--offpeak-discount F] [--budget N] [--backend sim|useapi] [--api-url URL] [--only PATTERN] [--exclude PATTERN]

Shows, for every job of the manifest, whether it renders (new or stale, and why), is cached, or only
needs its output downloaded again; its credits at the standard and the off-peak rate, and which mode
it would use. Nothing is submitted.

Options:
  --json                 print the plan as JSON (always JSON: an invalid manifest gives
                         {"ok": false, "diagnostics": [...]}, each with file, line, column, code, hint;
                         with --only/--exclude, "selection" lists the chosen jobs, the upstream
                         ones they need and how many were left out)
  --offpeak-discount F   off-peak price as a fraction of the standard price (default: the catalog's, 0.5)
  --budget N             override the manifest's budget (credits)
  --backend sim|useapi   plan for this backend (default: useapi when a token is set, else sim)
  --api-url URL          API base URL whose account prices are read (e.g. a standalone \`pixrender sim\`);
                         needs a token, like render
  --only PATTERN         only these jobs and what they need: an id or a glob such as hero[*] or
                         hero[aspect=9:16,*] (repeatable)
  --exclude PATTERN      leave these jobs out; a job a selected one needs still comes along (repeatable)
  -h, --help             show this help

Exit codes: 0 ok, 2 invalid manifest, 3 the plan costs more than the budget.`;

/** The seconds of video a job asks for, when its request says: duration, or the transition's segments. */
function durationOf(job: PlannedJob): number | null {
  if (job.kind === 'transition') return (renderSpecOf(job.job, undefined).segments ?? []).reduce((a, b) => a + b, 0);
  const d = job.job.params['duration'];
  return typeof d === 'number' ? d : null;
}
const stringParam = (job: PlannedJob, key: string): string | null => {
  const v = job.job.params[key];
  return typeof v === 'string' ? v : null;
};

/** The `--json` shape: `credits` is what this run spends on the job. */
export function planJson(plan: Plan) {
  return {
    jobs: plan.jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      endpoint: j.endpoint,
      action: j.action,
      reason: j.reason ?? null,
      inFlight: j.inFlight ?? null,
      credits: j.cost,
      creditsStandard: j.credits.standard,
      creditsOffPeak: j.credits.offPeak,
      offPeak: j.offPeak,
      model: stringParam(j, 'model'),
      quality: stringParam(j, 'quality'),
      duration: durationOf(j),
      fingerprint: j.fingerprint,
      dependsOn: j.dependsOn,
    })),
    totals: {
      credits: plan.totals.credits,
      creditsStandard: plan.totals.creditsStandard,
      jobs: plan.totals.jobs,
      render: plan.totals.render,
      inFlight: plan.totals.inFlight,
      creditsCommitted: plan.totals.creditsCommitted,
      cached: plan.totals.cached,
      download: plan.totals.download,
    },
    budget: plan.budgetCredits ?? null,
    overBudget: plan.overBudget,
    notes: plan.notes ?? [],
  };
}

/** One line per assumption a price rests on. */
export function formatPlanNote(note: PlanNote): string {
  switch (note.code) {
    case 'input-length-unknown':
      return `note: ${printable(note.job)}: could not measure ${printable(note.file)}; priced at ${note.assumedSeconds} s, the longest its endpoint accepts`;
    case 'off-peak-factor-unknown':
      return `note: the off-peak discount could not be read (GET features failed); off-peak priced at ${note.assumedFactor} × standard`;
    case 'preview-factor-unknown':
      return `note: the preview-mode discount could not be read (GET features); preview priced at ${note.assumedFactor} × standard`;
    case 'price-unknown':
      return `note: ${printable(note.job)}: ${printable(note.model)} publishes no price; planned at the catalog's worst case, ${note.assumedCredits} credits (the API's cost_credits is recorded after the POST)`;
    default:
      return unreachable(note);
  }
}


const ACTION_LABEL = { render: 'render', stale: 'stale', cached: 'cached', download: 'download' } as const;

/** A plain-text table, one job per line, then the totals and the budget verdict. */
export function formatPlan(plan: Plan): string {
  const header = ['JOB', 'KIND', 'ENDPOINT', 'MODEL', 'QUALITY', 'DUR', 'ACTION', 'STANDARD', 'OFF-PEAK', 'MODE', 'CREDITS', 'WHY'];
  const rows = plan.jobs.map((j) => {
    const renders = j.action === 'render' || j.action === 'stale';
    const duration = durationOf(j);
    return [
      j.id,
      j.kind,
      j.endpoint,
      stringParam(j, 'model') ?? '-',
      stringParam(j, 'quality') ?? '-',
      duration === null ? '-' : `${duration}s`,
      j.inFlight ? 'in-flight' : ACTION_LABEL[j.action],
      String(j.credits.standard),
      j.credits.offPeak === null ? '-' : String(j.credits.offPeak),
      renders ? (j.offPeak ? 'off-peak' : 'standard') : '-',
      String(j.cost),
      j.inFlight ? `submitted earlier as ${j.inFlight.videoId} (${j.inFlight.credits} credits already committed), render collects it` : (j.reason ?? ''),
    ].map(printable);
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([7, 8, 10]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const t = plan.totals;
  const out = [line(header), ...rows.map(line), ''];
  const stale = plan.jobs.filter((j) => j.action === 'stale' && !j.inFlight).length;
  out.push(
    `${t.jobs} job${t.jobs === 1 ? '' : 's'}: ${t.render} to render${stale > 0 ? ` (${stale} stale)` : ''}, ${t.inFlight > 0 ? `${t.inFlight} in flight (${t.creditsCommitted} credits already committed), ` : ''}${t.cached} cached, ${t.download} to download`,
  );
  for (const note of plan.notes ?? []) out.push(formatPlanNote(note));
  const saved = t.creditsStandard - t.credits;
  out.push(`credits: ${t.credits}${saved > 0 ? ` (${t.creditsStandard} at the standard rate; off-peak saves ${saved})` : ''}`);
  if (plan.budgetCredits !== undefined)
    out.push(
      plan.overBudget
        ? `OVER BUDGET: this plan needs ${t.credits} credits, the budget is ${plan.budgetCredits} (${t.credits - plan.budgetCredits} over); raise budget.credits, use off-peak, or render fewer jobs`
        : `budget: ${plan.budgetCredits} credits, ${plan.budgetCredits - t.credits} left after this run`,
    );
  return out.join('\n');
}

export const command: Command = {
  summary: 'show what would render, what is cached and what it costs',
  usage,
  run: (argv) =>
    withUsage(async () => {
      const flags = parseFlags(
        argv,
        {
          json: { type: 'boolean', default: false },
          'offpeak-discount': { type: 'string' },
          budget: { type: 'string' },
          backend: { type: 'string' },
          'api-url': { type: 'string' },
          ...SELECT_FLAGS,
        },
        usage,
      );
      const selection = selectionOf(flags);
      // Ranges and URLs are checked by parseFlags (VALUE_RULES in args.ts).
      const multiplier = numberFlag(flags, 'offpeak-discount');
      const budget = numberFlag(flags, 'budget');
      const apiUrl = urlFlag(flags, 'api-url');
      const backend = backendFlag(flags);
      const [file, ...extra] = flags.positionals;
      if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n\n${usage}`);

      const json = flags.values['json'] === true;
      // With --json, stdout is always one JSON object, whatever went wrong.
      const records = (ds: Diagnostic[], sources: ReadonlyMap<string, string>) => ds.map((d) => diagnosticRecord(d, sources, file));
      const blocked = await projectFolderProblem(file, { write: false });
      if (blocked) {
        if (json) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: records([{ severity: 'error', code: 'project-folder', message: blocked }], new Map()) }, null, 2)}\n`);
        else process.stderr.write(`pixrender: ${blocked}\n`);
        return 2;
      }
      const outcome = await planManifest(file, {
        ...(multiplier !== undefined ? { offPeakMultiplier: multiplier } : {}),
        ...(budget !== undefined ? { budgetCredits: budget } : {}),
        ...(apiUrl !== undefined ? { apiUrl } : {}),
        ...(backend !== undefined ? { backend } : {}),
        ...(selection ? { select: selection } : {}),
      });
      if (!json) printDiagnostics(outcome.diagnostics, outcome.sources);
      if (!outcome.ok) {
        if (json) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: records(outcome.diagnostics, outcome.sources) }, null, 2)}\n`);
        return 2;
      }
      const { plan } = outcome;
      process.stdout.write(
        json
          ? `${JSON.stringify({ ok: true, ...planJson(plan), selection: outcome.selection ?? null, diagnostics: records(outcome.diagnostics, outcome.sources) }, null, 2)}\n`
          : `${formatPlan(plan)}\n`,
      );
      // The jobs pulled in for a selection are said in words, after the table.
      if (outcome.selection && !json) process.stdout.write(`${describeSelection(outcome.selection)}\n`);
      if (plan.overBudget) {
        if (flags.values['json'])
          process.stderr.write(`pixrender plan: over budget: ${plan.totals.credits} credits needed, budget ${plan.budgetCredits}\n`);
        return 3;
      }
      return 0;
    }),
};
