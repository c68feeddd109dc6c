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

/** A --state-file (or .pixrender/simulator.json) that exists but is not a simulator state file. */
export class SimStateError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`the simulator state file ${path} ${problem}; it is left as it is: move it away (or delete it) to start afresh`);
    this.name = 'SimStateError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What makes `value` not a SavedState of this version, or undefined. */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not a JSON object';
  if (value.version !== VERSION) return `has version ${JSON.stringify(value.version) ?? 'none'}, not ${VERSION}`;
  if (typeof value.token !== 'string') return 'has no token';
  if (typeof value.nextVideo !== 'number') return 'has no nextVideo';
  for (const list of ['accounts', 'jobs', 'uploads'] as const) {
    const items = value[list];
    if (!Array.isArray(items) || !items.every(isObject)) return `has no list of ${list}`;
  }
  if (!(value.uploads as Record<string, unknown>[]).every((u) => typeof u.path === 'string')) return 'has an upload without a path';
  return undefined;
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

  /**
   * The saved state, or undefined when there is none yet. A file that is there but is not a state file
   * (not JSON, another shape, another version, unreadable) is refused with a SimStateError: starting
   * fresh would overwrite it at the first change.
   */
  static async load(path: string): Promise<LoadedState | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SimStateError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SimStateError(path, 'is not JSON');
    }
    const problem = shapeProblem(parsed);
    if (problem) throw new SimStateError(path, problem);
    const saved = parsed as SavedState;
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
