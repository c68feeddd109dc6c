/**
 * Local post steps (concat, contact sheet) after the renders they name. A step runs when every input
 * is on disk and its output is missing or one of its inputs changed in this run.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EventSink, JobOutcome, JobState } from '../events.js';
import { sha256File } from '../hash.js';
import { concatVideos, contactSheet } from '../media.js';
import type { JobId, ResolvedManifest } from '../model.js';
import { writeRootsOf } from '../state/contained.js';
import { recordWritten } from '../state/written.js';
import type { JobOutput } from './inputs.js';
import { stillOnItsWay } from './outcome.js';

interface RunView {
  output: { promise: Promise<JobOutput> };
  state?: JobState;
  outcome?: JobOutcome;
}

/** An input that has not failed but is still on its way (rendering, or waiting for a slot or its own input). */
function stillComing(run: RunView | undefined): boolean {
  return run !== undefined && stillOnItsWay(run);
}

export async function runPostSteps(
  manifest: ResolvedManifest,
  runs: ReadonlyMap<JobId, RunView>,
  touched: ReadonlySet<JobId>,
  onEvent: EventSink | undefined,
  now: () => string,
): Promise<{ id: JobId; reason: string }[]> {
  const failures: { id: JobId; reason: string }[] = [];
  const baseDir = dirname(manifest.file);
  const within = writeRootsOf(manifest);
  for (const step of manifest.post) {
    const output = join(baseDir, step.output);
    const files: string[] = [];
    let missing: string | undefined;
    for (const id of step.inputs) {
      const out = await runs.get(id)?.output.promise.catch(() => undefined);
      if (!out?.file) {
        missing = id;
        break;
      }
      files.push(out.file);
    }
    const label = `${step.kind} → ${step.output}`;
    if (missing && !runs.has(missing as JobId)) {
      // Left out by --only: the user chose not to make it now, so the step is not a failure either.
      onEvent?.({ type: 'warning', at: now(), message: `${label}: skipped, it also needs ${missing}, which the selection left out; a render that includes it makes the step` });
      continue;
    }
    if (missing && stillComing(runs.get(missing as JobId))) {
      // Not a failure: the next render makes it once the input is in.
      onEvent?.({ type: 'warning', at: now(), message: `${label}: waits for ${missing}, still rendering; the next render makes it` });
      continue;
    }
    if (missing) {
      onEvent?.({ type: 'post', at: now(), step: step.kind, output: step.output, state: 'failed', message: `input ${missing} is not available` });
      failures.push({ id: label as JobId, reason: `input ${missing} is not available` });
      continue;
    }
    const exists = await stat(output).then(() => true, () => false);
    if (exists && !step.inputs.some((id) => touched.has(id))) continue;
    onEvent?.({ type: 'post', at: now(), step: step.kind, output: step.output, state: 'running' });
    try {
      // media.ts makes the folder itself, once it has checked where the folder really is.
      if (step.kind === 'concat') await concatVideos(files, output, within);
      else await contactSheet(files, output, { within });
      // The proof `clean` needs before it may remove this file again.
      await recordWritten(manifest.file, output, { sha256: await sha256File(output), kind: 'post-output' });
      onEvent?.({ type: 'post', at: now(), step: step.kind, output: step.output, state: 'done' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      onEvent?.({ type: 'post', at: now(), step: step.kind, output: step.output, state: 'failed', message: reason });
      failures.push({ id: label as JobId, reason });
    }
  }
  return failures;
}
