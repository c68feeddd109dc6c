/**
 * The Markdown job summary for GitHub Actions ($GITHUB_STEP_SUMMARY): every job with its final state,
 * credits planned and spent, its output, and the failures with the API's message.
 */
import { appendFile } from 'node:fs/promises';
import type { JobOutcome, JobState, RunEvent, RunSummary } from './events.js';
import type { LockFile, Plan } from './model.js';

export interface FinalState {
  state: JobState;
  message?: string;
  outcome?: JobOutcome;
}

/** Follows a run's events and keeps each job's last state. */
export class FinalStates {
  readonly jobs = new Map<string, FinalState>();
  onEvent(e: RunEvent): void {
    if (e.type !== 'job') return;
    this.jobs.set(e.id, { state: e.state, ...(e.message ? { message: e.message } : {}), ...(e.outcome ? { outcome: e.outcome } : {}) });
  }
}

export interface SummaryInput {
  title: string;
  plan: Plan;
  lock: LockFile;
  summary: RunSummary;
  finals: ReadonlyMap<string, FinalState>;
  /** The summary's first line, as printed on the console. */
  headline: string;
}

/** A table cell: no line breaks, pipes or HTML. */
const cell = (text: string): string =>
  text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const code = (text: string): string => `\`${cell(text).replace(/`/g, "'")}\``;

/** A refused request costs nothing; what a job failed after it was accepted cost is not known here. */
function failedSpent(outcome: JobOutcome | undefined): string {
  return outcome?.kind === 'api-rejected' ? '0' : '?';
}

export function stepSummaryMarkdown(input: SummaryInput): string {
  const { plan, lock, finals } = input;
  const rows = plan.jobs.map((j) => {
    const final = finals.get(j.id);
    const state = final?.state ?? 'waiting';
    const entry = lock.jobs[j.id];
    const planned = j.inFlight ? j.inFlight.credits : j.cost;
    const renderedNow = state === 'done' && (j.action === 'render' || j.action === 'stale');
    const spent = renderedNow && entry ? String(entry.credits) : state === 'pending' ? `${planned} (committed)` : state === 'failed' ? failedSpent(final?.outcome) : '0';
    const output = (state === 'done' || state === 'cached') && entry ? code(entry.output) : '';
    return `| ${code(j.id)} | ${state} | ${planned} | ${spent} | ${output} |`;
  });
  const failures = input.summary.failures.map((f) => `- ${code(f.id)}: ${cell(f.reason)}`);
  return [
    `## ${cell(input.title)}`,
    '',
    cell(input.headline),
    '',
    '| Job | State | Credits planned | Credits spent | Output |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows,
    '',
    ...(failures.length > 0 ? ['### Failures', '', ...failures, ''] : []),
  ].join('\n');
}

/** Appends the summary when running in GitHub Actions with a step summary file; says whether it did. */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (env.GITHUB_ACTIONS !== 'true' || !file) return false;
  await appendFile(file, `${markdown}\n`);
  return true;
}
