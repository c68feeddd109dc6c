// A small tmpfs as the project folder, so renders hit a full disk (ENOSPC); then it grows again.
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Mounts a tmpfs on `dir`; resolves undefined, or the reason it cannot. */
export async function mountTmpfs(dir, bytes) {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (mount -t tmpfs needs root)';
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${pageRound(bytes)}`, 'tmpfs', dir]);
    return undefined;
  } catch (error) {
    return `mount -t tmpfs refused: ${String(error.stderr || error.message).trim()}`;
  }
}

export async function usedBytes(dir) {
  const s = await statfs(dir);
  return (s.blocks - s.bfree) * s.bsize;
}

export async function resizeTmpfs(dir, bytes) {
  await run('mount', ['-o', `remount,size=${pageRound(bytes)}`, dir]);
}

export async function unmount(dir) {
  await run('umount', [dir]).catch(() => run('umount', ['-l', dir]).catch(() => {}));
}

const pageRound = (bytes) => Math.max(4096, Math.ceil(bytes / 4096) * 4096);
