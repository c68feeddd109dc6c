/**
 * One run per manifest at a time: `.pixrender/<manifest>.pid`, created with O_EXCL. A pid file whose
 * process is gone (same host, pid not alive) is stale and taken over; breaking it happens under a second
 * O_EXCL guard (`.pid.break`) and only if the file still holds what was judged stale, so two processes
 * that find the same stale file cannot both end up holding the lock.
 */
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { StateBusyError, StateError } from './errors.js';
import { errorCode, nodeStateFs, readTextIfExists, writeAll, type StateFs } from './fs.js';

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Random per acquisition, so release never removes a lock someone else took over. */
  token: string;
}

export interface ProcessLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface ProcessLockOptions {
  fs: StateFs;
  /** Whether a process id is alive on this host. Default: `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  hostname?: string;
  pid?: number;
  now?: () => number;
}

/** A pid file that is still empty or half-written this long after its creation belongs to a dead process. */
const UNREADABLE_GRACE_MS = 1_000;
/** A break guard older than this was left by a process killed while breaking a stale lock. */
const BREAK_GUARD_STALE_MS = 10_000;
const ATTEMPTS = 100;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export async function acquireProcessLock(file: string, options: ProcessLockOptions): Promise<ProcessLock> {
  const { fs } = options;
  const isAlive = options.isAlive ?? isProcessAlive;
  const host = options.hostname ?? osHostname();
  const now = options.now ?? Date.now;
  const holder: LockHolder = { pid: options.pid ?? process.pid, hostname: host, startedAt: new Date(now()).toISOString(), token: randomBytes(8).toString('hex') };

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await tryCreate(fs, file, holder)) return { file, holder, release: () => release(fs, file, holder.token) };
    const text = await readTextIfExists(fs, file);
    if (text === undefined) continue; // released meanwhile
    const other = parseHolder(text);
    if (other) {
      if (other.hostname !== host) throw busy(file, other, `on host ${other.hostname}; if that run is gone, delete ${file}`);
      if (isAlive(other.pid)) throw busy(file, other, `(pid ${other.pid})`);
    } else if (!(await olderThan(fs, file, UNREADABLE_GRACE_MS, now))) {
      await pause(20);
      continue;
    }
    await breakStaleLock(fs, file, text, now);
  }
  throw new StateError('busy', `could not take the run lock ${file}: it keeps changing hands`, file);
}

async function tryCreate(fs: StateFs, file: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await writeAll(handle, Buffer.from(`${JSON.stringify(holder)}\n`));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return true;
}

async function breakStaleLock(fs: StateFs, file: string, staleText: string, now: () => number): Promise<void> {
  const guard = `${file}.break`;
  let handle;
  try {
    handle = await fs.open(guard, 'wx');
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    if (await olderThan(fs, guard, BREAK_GUARD_STALE_MS, now)) await fs.unlink(guard).catch(() => undefined);
    else await pause(20);
    return;
  }
  try {
    await handle.close();
    // Someone may have broken it and taken the lock since we read it: only remove exactly what we judged stale.
    if ((await readTextIfExists(fs, file)) === staleText) await fs.unlink(file).catch(() => undefined);
  } finally {
    await fs.unlink(guard).catch(() => undefined);
  }
}

async function release(fs: StateFs, file: string, token: string): Promise<void> {
  const text = await readTextIfExists(fs, file);
  if (text !== undefined && parseHolder(text)?.token === token) await fs.unlink(file).catch(() => undefined);
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockHolder>;
    if (typeof data.pid === 'number' && typeof data.hostname === 'string' && typeof data.token === 'string') {
      return { pid: data.pid, hostname: data.hostname, token: data.token, startedAt: String(data.startedAt ?? '') };
    }
  } catch {
    /* half-written */
  }
  return undefined;
}

async function olderThan(fs: StateFs, file: string, ms: number, now: () => number): Promise<boolean> {
  try {
    return now() - (await fs.stat(file)).mtimeMs > ms;
  } catch {
    return false;
  }
}

function busy(file: string, holder: LockHolder, detail: string): StateBusyError {
  const { pid, hostname, startedAt } = holder;
  return new StateBusyError(`another pixrender run on this manifest is in progress ${detail}, started ${startedAt}`, file, { pid, hostname, startedAt });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock held for a few file operations (a claims or record update): another live holder is waited for, up to `waitMs`. */
export async function acquireShortLock(file: string, waitMs = 15_000): Promise<ProcessLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await acquireProcessLock(file, { fs: nodeStateFs });
    } catch (error) {
      if (!(error instanceof StateBusyError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  }
}
