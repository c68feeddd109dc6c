/**
 * The run's view of the lock file: entries change as jobs complete, and each change is written
 * atomically by the store, coalesced so a burst of completions costs one write, not one per job.
 */
import type { LockEntry, LockFile } from '../model.js';
import { jobTable } from '../state/lock-file.js';
import type { StateStore } from '../state/store.js';

export class LockWriter {
  readonly current: LockFile;
  private writing: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly store: StateStore,
    initial: LockFile,
  ) {
    this.current = { version: 1, jobs: jobTable(Object.entries(initial.jobs)) };
  }

  set(id: string, entry: LockEntry): void {
    this.current.jobs[id] = entry;
    if (this.queued) return;
    this.queued = true;
    this.writing = this.writing.then(async () => {
      this.queued = false;
      await this.store.writeLock(this.current);
    });
    // A failed write (disk full) surfaces from flush(); until then it must not be an unhandled rejection.
    this.writing.catch(() => undefined);
  }

  /** Drops entries of jobs not in `ids`. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of Object.keys(this.current.jobs)) if (!ids.has(id)) delete this.current.jobs[id];
  }

  async flush(): Promise<void> {
    await this.writing;
    await this.store.writeLock(this.current);
  }
}
