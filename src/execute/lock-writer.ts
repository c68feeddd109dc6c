/**
 * The run's view of the lock file: entries change as jobs complete, and each change is written
 * atomically by the store, coalesced so a burst of completions costs one write, not one per job.
 * An entry replaced by another version of its job is journaled first as that version's result, so a
 * manifest that goes back to it finds the render (state/versions.ts) instead of paying for it again.
 */
import type { LockEntry, LockFile } from '../model.js';
import { jobTable } from '../state/lock-file.js';
import type { JournalRecord, StateStore } from '../state/store.js';
import { displacedEntries } from '../state/versions.js';

export class LockWriter {
  readonly current: LockFile;
  private writing: Promise<void> = Promise.resolve();
  private queued = false;
  private displaced: JournalRecord[] = [];

  constructor(
    private readonly store: StateStore,
    initial: LockFile,
  ) {
    this.current = { version: 1, jobs: jobTable(Object.entries(initial.jobs)) };
  }

  set(id: string, entry: LockEntry): void {
    const before = this.current.jobs[id];
    if (before) this.displaced.push(...displacedEntries({ version: 1, jobs: { [id]: before } }, { version: 1, jobs: { [id]: entry } }));
    this.current.jobs[id] = entry;
    if (this.queued) return;
    this.queued = true;
    this.writing = this.writing.then(async () => {
      this.queued = false;
      await this.keepDisplaced();
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
    await this.keepDisplaced();
    await this.store.writeLock(this.current);
  }

  /** Journals the replaced versions' entries before the lock that drops them is written. */
  private async keepDisplaced(): Promise<void> {
    for (const record of this.displaced.splice(0)) await this.store.append(record);
  }
}
