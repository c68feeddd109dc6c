/**
 * Replacing a file so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a temp file beside it, fsync it, rename it over the target, fsync the directory (so the rename
 * itself survives a power loss).
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { assertFolderWithin, type WriteRoots } from './contained.js';
import { DiskError, errorCode, nodeStateFs, writeAll, type StateFs } from './fs.js';

const TEMP_SUFFIX = '.tmp';

/** `.<name>.<random>.tmp<extension>` in the target's directory, so the rename never crosses file systems. */
export function tempPathFor(file: string, extension = ''): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}${extension}`);
}

/**
 * `within`: the folders `file` must really be in (see contained.ts), checked before the temp file is
 * opened and again right before the rename, so a folder swapped for a link never carries the write out.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, fs: StateFs = nodeStateFs, within?: WriteRoots): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const temp = tempPathFor(file);
  if (within) await assertFolderWithin(file, within);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await writeAll(handle, bytes, file);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw naming(error, temp, file);
  }
  await commitTempFile(temp, file, fs, within);
}

/** Moves a finished temp file (written by another tool, e.g. ffmpeg) over its target durably. */
export async function commitTempFile(temp: string, file: string, fs: StateFs = nodeStateFs, within?: WriteRoots): Promise<void> {
  try {
    const handle = await fs.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (within) await assertFolderWithin(file, within);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw naming(error, temp, file);
  }
  await fsyncDirectory(dirname(file), fs);
}

/** A disk error about the temp file is reported for the file the user knows. */
const naming = (error: unknown, temp: string, file: string): unknown =>
  error instanceof DiskError && error.path === temp ? new DiskError(error.kind, file, error.code) : error;

/** Best effort: some platforms (Windows) and in-memory file systems cannot open or sync a directory. */
export async function fsyncDirectory(dir: string, fs: StateFs = nodeStateFs): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Removes temp files left beside `file` by a process that was killed mid-write. Only safe while holding the
 * run lock for the manifest they belong to (no one else may be writing them).
 */
export async function removeStaleTemps(file: string, fs: StateFs = nodeStateFs): Promise<string[]> {
  const prefix = `.${basename(file)}.`;
  const pattern = /^[0-9a-f]{12}\.tmp/;
  let names: string[];
  try {
    names = await fs.readdir(dirname(file));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const stale = names.filter((name) => name.startsWith(prefix) && pattern.test(name.slice(prefix.length)));
  for (const name of stale) await fs.unlink(join(dirname(file), name)).catch(() => undefined);
  return stale;
}
