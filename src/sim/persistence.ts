/**
 * Optional state file, so the embedded simulator outlives one CLI process: `render --no-wait` in one run
 * and `status` in the next see the same accounts, balances, jobs and uploads. Jobs keep their absolute
 * schedule and resume on load (one that should have ended while no simulator ran ends at once).
 * Uploads are stored as files in `<state file name>-uploads/` beside it. Writes are coalesced and atomic.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { SimAccount } from './accounts.js';
import type { SimJob } from './jobs.js';
import type { StoredUpload } from './uploads.js';

const VERSION = 1;

export type SavedJob = Omit<SimJob, 'timeline'>;
export type SavedUpload = Omit<StoredUpload, 'bytes'>;

export interface SavedState {
  version: number;
  token: string;
  nextVideo: number;
  accounts: Omit<SimAccount, 'executing' | 'maxExecuting'>[];
  jobs: SavedJob[];
  uploads: SavedUpload[];
}

export interface LoadedState extends Omit<SavedState, 'uploads'> {
  uploads: StoredUpload[];
}

export class StateFile {
  readonly uploadsDir: string;
  private pending: Promise<void> | undefined;
  private dirty = false;

  constructor(
    readonly path: string,
    private readonly snapshot: () => SavedState,
  ) {
    this.uploadsDir = join(dirname(path), `${basename(path, extname(path))}-uploads`);
  }

  /** The saved state, or undefined when there is none (or it is unreadable: the simulator starts fresh). */
  static async load(path: string): Promise<LoadedState | undefined> {
    let saved: SavedState;
    try {
      saved = JSON.parse(await readFile(path, 'utf8')) as SavedState;
    } catch {
      return undefined;
    }
    if (saved.version !== VERSION) return undefined;
    const dir = join(dirname(path), `${basename(path, extname(path))}-uploads`);
    const uploads: StoredUpload[] = [];
    for (const u of saved.uploads) {
      const bytes = await readFile(join(dir, basename(u.path))).catch(() => undefined);
      if (bytes) uploads.push({ ...u, bytes });
    }
    return { ...saved, uploads };
  }

  async saveUpload(upload: StoredUpload): Promise<void> {
    await mkdir(this.uploadsDir, { recursive: true });
    await writeFile(join(this.uploadsDir, basename(upload.path)), upload.bytes);
  }

  /** Schedules a save; saves requested while one is being written are coalesced into the next. */
  changed(): void {
    this.dirty = true;
    this.pending ??= this.drain();
  }

  /** Resolves once every requested save is on disk. */
  async flush(): Promise<void> {
    this.changed();
    await this.pending;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.dirty) {
        this.dirty = false;
        // Best effort: a state file that cannot be written costs persistence, not the running simulator.
        await this.write(JSON.stringify(this.snapshot())).catch(() => undefined);
      }
    } finally {
      this.pending = undefined;
    }
  }

  private async write(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, this.path);
  }
}

export function savedJob(job: SimJob): SavedJob {
  const { timeline: _timeline, ...rest } = job;
  return rest;
}

export function restoredJob(saved: SavedJob): SimJob {
  return { ...saved, timeline: new AbortController() };
}
