/**
 * The file-backed state store:
 *   <manifest>.lock                          committed; written atomically, sorted (lock-file.ts)
 *   .pixrender/<manifest name>.journal       not committed; append-only NDJSON, fsync per record (journal.ts)
 *   .pixrender/<manifest name>.pid           the run lock (process-lock.ts)
 * Every write goes through one queue, so appends, lock writes and compaction never interleave.
 */
import { join } from 'node:path';
import type { LockFile, LockEntry } from '../model.js';
import { fsyncDirectory, removeStaleTemps, writeFileAtomic } from './atomic.js';
import { StateError } from './errors.js';
import { nodeStateFs, readTextIfExists, writeAll, type StateFileHandle, type StateFs } from './fs.js';
import { decodeRecord, encodeRecord, parseJournal, recordProblem } from './journal.js';
import { emptyLock, parseLock, portableOutputPath, serializeLock, withPortablePaths } from './lock-file.js';
import { acquireProcessLock, type ProcessLock } from './process-lock.js';
import { replay, type Replay } from './replay.js';
import { statePaths, type StatePaths } from './layout.js';
import type { JournalRecord, StateSnapshot, StateStore } from './store.js';

export { statePaths, type StatePaths } from './layout.js';

export interface FileStoreOptions {
  /** @default node:fs/promises */
  fs?: StateFs;
  /** Where the journal and the run lock live. @default `.pixrender` beside the manifest */
  stateDir?: string;
  /** The lock file. @default `<manifest>.lock` */
  lockFile?: string;
  /** Strings that must never reach a state file (the API token); shorter than 8 characters are ignored. */
  secrets?: readonly string[];
  /** Run-lock seams for tests. */
  isProcessAlive?: (pid: number) => boolean;
  hostname?: string;
  pid?: number;
}

/** Opens the store for a run: takes the run lock (StateBusyError if another live run holds it). */
export async function openFileStore(manifestFile: string, options: FileStoreOptions = {}): Promise<StateStore> {
  const fs = options.fs ?? nodeStateFs;
  const paths = statePaths(manifestFile, options.stateDir, options.lockFile);
  await fs.mkdir(paths.stateDir, { recursive: true });
  await ignoreInGit(fs, paths.stateDir);
  const runLock = await acquireProcessLock(paths.pid, {
    fs,
    ...(options.isProcessAlive ? { isAlive: options.isProcessAlive } : {}),
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
    ...(options.pid !== undefined ? { pid: options.pid } : {}),
  });
  try {
    await removeStaleTemps(paths.lock, fs);
    await removeStaleTemps(paths.journal, fs);
    await repairJournalTail(fs, paths.journal);
  } catch (error) {
    await runLock.release();
    throw error;
  }
  return new FileStateStore(paths, fs, runLock, options.secrets ?? []);
}

/** The state folder keeps itself out of git (journals, run locks, aside copies), so no project has to. */
async function ignoreInGit(fs: StateFs, stateDir: string): Promise<void> {
  const text = new TextEncoder().encode('# pixrender state: journals, run locks, set-aside outputs\n*\n');
  const handle = await fs.open(join(stateDir, '.gitignore'), 'wx').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') return undefined;
    throw e;
  });
  if (!handle) return;
  try {
    await handle.write(text, 0, text.length);
  } finally {
    await handle.close();
  }
}

/** Reads the state without taking the run lock (for `plan` and `status` while a run may be going on). */
export async function readStateSnapshot(manifestFile: string, options: Pick<FileStoreOptions, 'fs' | 'stateDir' | 'lockFile'> = {}): Promise<StateSnapshot> {
  return snapshotOf(await loadState(options.fs ?? nodeStateFs, statePaths(manifestFile, options.stateDir, options.lockFile)));
}

/** The checkout's lock file (empty when there is none), output paths relative to the manifest. */
export async function readLockFile(fs: StateFs, paths: StatePaths): Promise<LockFile> {
  const lockText = await readTextIfExists(fs, paths.lock);
  if (lockText === undefined) return emptyLock();
  const parsed = parseLock(lockText);
  if (!parsed.ok) throw new StateError('lock-corrupt', `${paths.lock}: ${parsed.problems.join('; ')}`, paths.lock);
  return withPortablePaths(parsed.lock, paths.manifestDir);
}

/** Throws when `text` holds a secret (or its JSON-escaped form); secrets shorter than 8 characters are ignored. */
export function refuseSecrets(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) {
      throw new StateError('secret', `refusing to write a secret (the API token) into ${where}`, where);
    }
  }
}

async function loadState(fs: StateFs, paths: StatePaths): Promise<Replay & { records: JournalRecord[] }> {
  const lock = await readLockFile(fs, paths);
  const journal = parseJournal((await readTextIfExists(fs, paths.journal)) ?? '');
  if (journal.problems.length > 0) {
    const lines = journal.problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`);
    const more = journal.problems.length > 5 ? ` (and ${journal.problems.length - 5} more)` : '';
    throw new StateError('journal-corrupt', `${paths.journal} is damaged: ${lines.join('; ')}${more}. Fix or delete those lines, then run again.`, paths.journal);
  }
  return { ...replay(journal.records, lock), records: journal.records };
}

const snapshotOf = ({ lock, pending, uploads, failed, superseded, claimedVideoIds, results }: Replay): StateSnapshot => ({ lock, pending, uploads, failed, superseded, claimedVideoIds, results });

/**
 * A kill -9 mid-append leaves the last line cut short, with no newline. Cut it off before appending again,
 * or the next record would be glued to it and become garbage in the middle. A last line that is a whole
 * record and only misses its newline is kept.
 */
async function repairJournalTail(fs: StateFs, file: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await fs.readFile(file));
  } catch {
    return;
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  const end = bytes.lastIndexOf(0x0a) + 1;
  const wholeRecord = typeof decodeRecord(bytes.subarray(end).toString('utf8')) !== 'string';
  const handle = await fs.open(file, 'r+');
  try {
    if (wholeRecord) await handle.write(Buffer.from('\n'), 0, 1, bytes.length);
    else await handle.truncate(end);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

class FileStateStore implements StateStore {
  private queue: Promise<unknown> = Promise.resolve();
  private journal?: { handle: StateFileHandle; size: number };
  private broken?: unknown;
  private closing?: Promise<void>;

  constructor(
    private readonly paths: StatePaths,
    private readonly fs: StateFs,
    private readonly runLock: ProcessLock,
    private readonly secrets: readonly string[],
  ) {}

  load(): Promise<StateSnapshot> {
    return this.serial(async () => snapshotOf(await loadState(this.fs, this.paths)));
  }

  append(record: JournalRecord): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('closed', 'the state store is closed'));
    const stored: JournalRecord =
      record.type === 'completed' ? { ...record, entry: { ...record.entry, output: portableOutputPath(record.entry.output, this.paths.manifestDir) } } : record;
    const problem = recordProblem(stored);
    if (problem) return Promise.reject(new TypeError(`not a journal record: ${problem}`));
    const line = Buffer.from(encodeRecord(stored), 'utf8');
    try {
      this.refuseSecrets(line.toString('utf8'), this.paths.journal);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serial(() => this.writeLine(line));
  }

  async complete(record: Extract<JournalRecord, { type: 'completed' }>): Promise<LockEntry> {
    await this.append(record);
    return record.entry;
  }

  writeLock(lock: LockFile): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('closed', 'the state store is closed'));
    let text: string;
    try {
      text = serializeLock(withPortablePaths(lock, this.paths.manifestDir));
      this.refuseSecrets(text, this.paths.lock);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serial(() => writeFileAtomic(this.paths.lock, text, this.fs));
  }

  compact(): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('closed', 'the state store is closed'));
    return this.serial(async () => {
      const state = await loadState(this.fs, this.paths);
      const lockText = serializeLock(state.lock);
      if ((await readTextIfExists(this.fs, this.paths.lock)) !== lockText) await writeFileAtomic(this.paths.lock, lockText, this.fs);
      // Only once the lock holds every completion may the journal forget them.
      // Renders of versions the lock no longer holds stay, flagged, so a revert finds them (versions.ts).
      const records = [...state.keep.map((index) => (state.earlier.has(index) ? ({ ...state.records[index]!, superseded: true } as JournalRecord) : state.records[index]!)), ...state.displaced];
      const kept = records.map(encodeRecord).join('');
      await this.closeJournal();
      await writeFileAtomic(this.paths.journal, kept, this.fs);
    });
  }

  close(): Promise<void> {
    this.closing ??= this.serial(async () => {
      await this.closeJournal();
      await this.runLock.release();
    });
    return this.closing;
  }

  private async writeLine(line: Buffer): Promise<void> {
    if (this.broken) throw new StateError('io', 'an earlier journal write failed; stop and run again', this.paths.journal, { cause: this.broken });
    try {
      if (!this.journal) {
        const handle = await this.fs.open(this.paths.journal, 'a');
        this.journal = { handle, size: (await handle.stat()).size };
        // The file may have just been created: its directory entry must be durable too.
        await fsyncDirectory(this.paths.stateDir, this.fs);
      }
      try {
        await writeAll(this.journal.handle, line);
        await this.journal.handle.sync();
      } catch (error) {
        // Leave no half line behind; either way this process stops trusting the journal.
        await this.journal.handle.truncate(this.journal.size).catch(() => undefined);
        throw error;
      }
      this.journal.size += line.length;
    } catch (error) {
      this.broken = error;
      throw new StateError('io', `could not write ${this.paths.journal}: ${(error as Error).message}`, this.paths.journal, { cause: error });
    }
  }

  private async closeJournal(): Promise<void> {
    const journal = this.journal;
    this.journal = undefined;
    await journal?.handle.close();
  }

  private refuseSecrets(text: string, file: string): void {
    refuseSecrets(text, this.secrets, file);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
