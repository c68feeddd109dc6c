/**
 * The file-system calls the state store makes, as a seam: node:fs/promises by default, memfs in unit tests.
 * The default one turns a disk that refuses a write (full, read-only, no permission) into a `DiskError`
 * naming the file, so every state write (journal, lock, run lock, folders) fails with one clear line.
 */
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';

export interface StateFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position?: number | null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  truncate(length?: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface StateFs {
  open(path: string, flags: string, mode?: number): Promise<StateFileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number; size: number }>;
}

/** Why the disk refused a write. */
export type DiskErrorKind =
  /** ENOSPC, EDQUOT, EFBIG: the disk (or a quota) is full. */
  | 'no-space'
  /** EROFS: the file system is mounted read-only. */
  | 'read-only'
  /** EACCES, EPERM: no permission (or an immutable file or folder). */
  | 'permission'
  /** ENOTDIR: a file stands where a folder is expected. */
  | 'not-a-directory'
  /** Fewer bytes reached the file than were written. */
  | 'short-write'
  /** A symbolic link on the way (a folder swapped for one, say) leads outside the project. */
  | 'outside-project';

const KIND_OF_CODE: Record<string, DiskErrorKind> = {
  ENOSPC: 'no-space',
  EDQUOT: 'no-space',
  EFBIG: 'no-space',
  EROFS: 'read-only',
  EACCES: 'permission',
  EPERM: 'permission',
  ENOTDIR: 'not-a-directory',
};

const CAUSE: Record<DiskErrorKind, string> = {
  'no-space': 'no space left on the disk',
  'read-only': 'the file system is read-only',
  permission: 'permission denied',
  'not-a-directory': 'part of the path is a file, not a folder',
  'short-write': 'the disk took fewer bytes than were written',
  'outside-project': 'a symbolic link on the way leads outside the project',
};

/** A write the disk refused. `code` keeps the system's code (ENOSPC, …) so `errorCode()` checks still work. */
export class DiskError extends Error {
  constructor(
    readonly kind: DiskErrorKind,
    /** The file (or folder) that could not be written. */
    readonly path: string,
    readonly code: string,
    detail?: string,
  ) {
    super(`cannot write ${path}: ${CAUSE[kind]}${detail ? ` (${detail})` : ''} [${code}]`);
    this.name = 'DiskError';
  }
}

export const isDiskError = (error: unknown, kind?: DiskErrorKind): error is DiskError =>
  error instanceof DiskError && (kind === undefined || error.kind === kind);

/** The DiskError a system error stands for, or undefined when it is not a refused write (ENOENT, EEXIST, …). */
export function diskErrorOf(error: unknown, path: string): DiskError | undefined {
  if (error instanceof DiskError) return error;
  const code = errorCode(error);
  const kind = code === undefined ? undefined : KIND_OF_CODE[code];
  return kind && code ? new DiskError(kind, path, code) : undefined;
}

/** Why the disk refused a write, in words (read-only, full, no permission …); undefined for other errors. */
export function refusalCause(error: unknown): string | undefined {
  const code = errorCode(error);
  const kind = code === undefined ? undefined : KIND_OF_CODE[code];
  return kind ? CAUSE[kind] : undefined;
}

/** Rethrows `error` as a DiskError naming `path` when it is one. */
export function rethrowDisk(error: unknown, path: string): never {
  throw diskErrorOf(error, path) ?? error;
}

const onDisk =
  <A extends unknown[], R>(call: (...args: A) => Promise<R>, pathOf: (...args: A) => string) =>
  (...args: A): Promise<R> =>
    call(...args).catch((error: unknown) => rethrowDisk(error, pathOf(...args)));

function handleFor(path: string, handle: fsp.FileHandle): StateFileHandle {
  const wrap = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => onDisk(call, () => path);
  return {
    write: wrap((buffer: Uint8Array, offset: number, length: number, position?: number | null) => handle.write(buffer, offset, length, position)),
    sync: wrap(() => handle.sync()),
    truncate: wrap((length?: number) => handle.truncate(length)),
    stat: () => handle.stat(),
    close: wrap(() => handle.close()),
  };
}

export const nodeStateFs: StateFs = {
  open: onDisk(
    async (path: string, flags: string, mode?: number) => handleFor(path, await fsp.open(path, flags, mode)),
    (path) => path,
  ),
  readFile: (path) => fsp.readFile(path),
  rename: onDisk((from: string, to: string) => fsp.rename(from, to), (_from, to) => to),
  unlink: (path) => fsp.unlink(path),
  mkdir: (path) => makeFolder(path),
  readdir: (path) => fsp.readdir(path),
  stat: (path) => fsp.stat(path),
};

/**
 * mkdir -p that says why it failed: a recursive mkdir reports a read-only disk as ENOENT and a file in
 * the way as EEXIST, so on failure the first missing folder is made alone to get the real cause.
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await fsp.mkdir(path, { recursive: true });
    return;
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT' && code !== 'EEXIST') rethrowDisk(error, path);
    let existing = dirname(path);
    let missing = path;
    while ((await fsp.stat(existing).catch(() => undefined)) === undefined && dirname(existing) !== existing) {
      missing = existing;
      existing = dirname(existing);
    }
    const s = await fsp.stat(missing).catch(() => undefined);
    if (s && !s.isDirectory()) throw new DiskError('not-a-directory', missing, 'ENOTDIR');
    const above = await fsp.stat(existing).catch(() => undefined);
    if (above && !above.isDirectory()) throw new DiskError('not-a-directory', existing, 'ENOTDIR');
    await fsp.mkdir(missing).catch((inner: unknown) => rethrowDisk(inner, missing));
    await fsp.mkdir(path, { recursive: true }).catch((again: unknown) => rethrowDisk(again, path));
  }
}

export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;

/** Reads a file as UTF-8, or returns undefined when it does not exist. */
export async function readTextIfExists(fs: StateFs, path: string): Promise<string | undefined> {
  try {
    return Buffer.from(await fs.readFile(path)).toString('utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes every byte (a single write() may write fewer, e.g. when the disk fills up mid-write). */
export async function writeAll(handle: StateFileHandle, data: Uint8Array, path = 'a file'): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    if (bytesWritten <= 0) throw new DiskError('short-write', path, 'EIO', `${offset} of ${data.length} bytes written`);
    offset += bytesWritten;
  }
}
