/**
 * Real small file systems for disk-failure tests: a tmpfs of a given size (ENOSPC once full), remounted
 * read-only (EROFS; only while no file on it is open for writing) or resized. Needs root; when mounting is refused, `mountTmpfs` says why and the
 * tests that need it do not run.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  readOnly(): void;
  writable(): void;
  resize(size: string): void;
  /** Writes a file of zeros so that about `freeBytes` stay free. */
  fillLeaving(freeBytes: number): Promise<void>;
  /** Fills every free byte, synchronously (so it can happen inside an event handler). */
  fillNow(): void;
  unmount(): Promise<void>;
}

export async function mountTmpfs(size: string): Promise<Tmpfs | { skip: string }> {
  const base = await mkdtemp(join(tmpdir(), 'pixrender-tmpfs-'));
  const dir = join(base, 'mnt');
  await mkdir(dir);
  const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
  try {
    mount('-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir);
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    const why = `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]}); disk-full cases do not run`;
    console.warn(why);
    return { skip: why };
  }
  return {
    dir,
    readOnly: () => mount('-o', 'remount,ro', dir),
    writable: () => mount('-o', 'remount,rw', dir),
    resize: (s) => mount('-o', `remount,size=${s}`, dir),
    async fillLeaving(freeBytes) {
      await writeFile(join(dir, 'filler'), Buffer.alloc(Math.max(0, available(dir) - freeBytes)));
    },
    fillNow() {
      writeFileSync(join(dir, 'filler-now'), Buffer.alloc(available(dir)));
    },
    async unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      await rm(base, { recursive: true, force: true });
    },
  };
}

function available(dir: string): number {
  const out = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}

export const mounted = (t: Tmpfs | { skip: string }): t is Tmpfs => !('skip' in t);
