/**
 * Downloads onto a disk that refuses the write: a real full tmpfs (ENOSPC), the same remounted read-only
 * (EROFS), an immutable folder (EPERM), a folder this process may not write as another user (EACCES) and
 * a file where a folder should be (ENOTDIR). Each ends in one DiskError naming the destination, with no
 * temp file left and whatever was at the destination untouched.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../../src/api/download.js';
import { ApiError } from '../../src/api/errors.js';
import { DiskError, writeAll, type StateFileHandle } from '../../src/state/fs.js';
import { startTestServer, type TestServer } from '../api/test-server.js';
import { mounted, mountTmpfs, type Tmpfs } from './tmpfs.js';

const MEDIA = randomBytes(256 * 1024 + 17);
const disk = await mountTmpfs('400k');
const fs: Tmpfs | undefined = mounted(disk) ? disk : undefined;
let media: TestServer;
let dir: string;

beforeAll(async () => {
  media = await startTestServer();
  media.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MEDIA.length) });
    for (let i = 0; i < MEDIA.length; i += 64 * 1024) res.write(MEDIA.subarray(i, i + 64 * 1024));
    res.end();
  });
});
afterAll(async () => {
  await media.close();
  await fs?.unmount();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-disk-'));
  return () => rm(dir, { recursive: true, force: true });
});

async function refused(promise: Promise<unknown>): Promise<DiskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a DiskError, got ${String(error)}`).toBeInstanceOf(DiskError);
  const e = error as DiskError;
  expect(e.message).not.toContain('\n');
  return e;
}

/** Every name in `folder` (recursively) that looks like a download temp file. */
async function temps(folder: string): Promise<string[]> {
  const names = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.part'));
}

describe.runIf(fs)('a download onto a full or read-only tmpfs', () => {
  beforeEach(async () => {
    fs!.writable();
    await rm(join(fs!.dir, 'filler'), { force: true });
    for (const name of await readdir(fs!.dir)) await rm(join(fs!.dir, name), { recursive: true, force: true });
  });

  it('ENOSPC → DiskError no-space naming the file; no temp file; the previous file stays whole', async () => {
    const dest = join(fs!.dir, 'renders', 'shot.mp4');
    await mkdir(join(fs!.dir, 'renders'));
    await writeFile(dest, 'previous render');
    await fs!.fillLeaving(100 * 1024);
    const e = await refused(download(`${media.origin}/shot.mp4`, dest, { expectedSize: MEDIA.length }));
    expect([e.kind, e.code, e.path]).toEqual(['no-space', 'ENOSPC', dest]);
    expect(e.message).toContain(dest);
    expect(await readFile(dest, 'utf8')).toBe('previous render');
    expect(await temps(fs!.dir)).toEqual([]);
  });

  it('ENOSPC without Content-Length or an expected size is still refused, never a short file', async () => {
    const dest = join(fs!.dir, 'shot.mp4');
    await fs!.fillLeaving(150 * 1024);
    const e = await refused(download(`${media.origin}/shot.mp4`, dest));
    expect(e.kind).toBe('no-space');
    expect(existsSync(dest)).toBe(false);
    expect(await temps(fs!.dir)).toEqual([]);
  });

  it('EROFS → DiskError read-only, for a new folder and for an existing one', async () => {
    await mkdir(join(fs!.dir, 'renders'));
    fs!.readOnly();
    const inExisting = await refused(download(`${media.origin}/a.mp4`, join(fs!.dir, 'renders', 'a.mp4')));
    expect([inExisting.kind, inExisting.code]).toEqual(['read-only', 'EROFS']);
    const inNew = await refused(download(`${media.origin}/b.mp4`, join(fs!.dir, 'new', 'b.mp4')));
    expect(inNew.kind).toBe('read-only');
    expect(inNew.message).toContain(join(fs!.dir, 'new'));
  });
});

describe('a download into a folder it may not write', () => {
  it('an immutable folder (chattr +i, EPERM even for root) → DiskError permission', async (ctx) => {
    const folder = join(dir, 'locked');
    await mkdir(folder);
    try {
      execFileSync('chattr', ['+i', folder], { stdio: 'pipe' });
    } catch (error) {
      console.warn(`chattr +i refused (${(error as Error).message.split('\n')[0]}); the EPERM case does not run`);
      return ctx.skip();
    }
    try {
      const e = await refused(download(`${media.origin}/a.mp4`, join(folder, 'a.mp4')));
      expect([e.kind, e.code]).toEqual(['permission', 'EPERM']);
      expect(await readdir(folder)).toEqual([]);
    } finally {
      execFileSync('chattr', ['-i', folder]);
    }
  });

  it('a folder of another user (EACCES, by dropping the effective uid) → DiskError permission', async (ctx) => {
    if (process.geteuid?.() !== 0 || !process.seteuid) {
      console.warn('not root: the EACCES case needs seteuid and does not run');
      return ctx.skip();
    }
    const folder = join(dir, 'root-only');
    await mkdir(folder, { mode: 0o755 });
    process.seteuid(65534);
    try {
      const e = await refused(download(`${media.origin}/a.mp4`, join(folder, 'a.mp4')));
      expect([e.kind, e.code]).toEqual(['permission', 'EACCES']);
    } finally {
      process.seteuid(0);
    }
    expect(await readdir(folder)).toEqual([]);
  });

  it('a file where the folder should be → DiskError not-a-directory', async () => {
    await writeFile(join(dir, 'renders'), 'not a folder');
    const e = await refused(download(`${media.origin}/a.mp4`, join(dir, 'renders', 'a.mp4')));
    expect([e.kind, e.code]).toEqual(['not-a-directory', 'ENOTDIR']);
  });
});

describe('bytes that do not all arrive or do not all land', () => {
  it('a body closed cleanly before its Content-Length → network/truncated, nothing at dest', async () => {
    // A raw server: the length promises 153,600 bytes, 75,000 arrive, then the connection ends normally.
    const server: Server = createServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: 153600\r\nconnection: close\r\n\r\n');
        socket.end(MEDIA.subarray(0, 75_000));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await download(`http://127.0.0.1:${port}/a.mp4`, join(dir, 'a.mp4')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect([(error as ApiError).kind, (error as ApiError).detail]).toEqual(['network', 'truncated']);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('writeAll keeps writing after a short write, and a write that makes no progress is a short-write DiskError', async () => {
    const landed: number[] = [];
    const handle = (step: number): StateFileHandle => ({
      write: async (buffer, offset, length) => {
        const n = Math.min(step, length);
        landed.push(...buffer.subarray(offset, offset + n));
        return { bytesWritten: n };
      },
      sync: async () => undefined,
      truncate: async () => undefined,
      stat: async () => ({ size: landed.length }),
      close: async () => undefined,
    });
    await writeAll(handle(3), Uint8Array.from([1, 2, 3, 4, 5, 6, 7]), '/x');
    expect(landed).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const e = await refused(writeAll(handle(0), Uint8Array.from([1]), '/x/y.mp4'));
    expect([e.kind, e.path]).toEqual(['short-write', '/x/y.mp4']);
  });
});
