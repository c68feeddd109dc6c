/** Jobs the lock already holds: cached ones are handed to their dependents; a missing file is downloaded again. */
import { isDiskError } from '../state/fs.js';
import type { RunContext } from './context.js';
import type { Downloads } from './downloads.js';
import type { JobRun } from './registry.js';

/** A lock entry whose output file is missing: download it again (never re-render). */
export async function restore(c: RunContext, downloads: Downloads, run: JobRun): Promise<void> {
  const entry = c.lock.current.jobs[run.planned.id]!;
  c.registry.setState(run, 'downloading');
  let url = entry.url;
  const fresh = await c.o.api.getVideo(entry.videoId).catch(() => null);
  if (fresh?.url) url = fresh.url;
  try {
    await downloads.fetch(run, url, entry.size, entry.sha256);
  } catch (error) {
    // A full or read-only disk is fixed on the disk; rendering again would not help.
    if (isDiskError(error)) return c.registry.settle(run, { kind: 'download-failed', message: `download: ${error.message}`, recorded: true });
    const why = error instanceof Error ? error.message : String(error);
    const message = `cannot download its recorded output again (${why}); remove "${run.planned.id}" from ${c.o.layout.lockName} to render it again`;
    return c.registry.settle(run, { kind: 'download-failed', message, recorded: true });
  }
  c.touched.add(run.planned.id);
  finishFromLock(c, run, 'done');
}

export function finishFromLock(c: RunContext, run: JobRun, state: 'cached' | 'done'): void {
  const entry = c.lock.current.jobs[run.planned.id]!;
  const duration = typeof entry.params.duration === 'number' ? entry.params.duration : undefined;
  const out = { videoId: entry.videoId, file: c.absolute(entry.output), ...(duration !== undefined ? { durationSeconds: duration } : {}) };
  run.video.resolve(out);
  run.output.resolve(out);
  c.registry.setState(run, state, { ...(state === 'cached' ? { videoId: entry.videoId } : {}), output: entry.output, sha256: entry.sha256 });
}
