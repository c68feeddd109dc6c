/**
 * Real, playable media for simulated videos: one H.264 MP4 (yuv420p, +faststart) per (width, height,
 * duration) and one JPEG poster per (width, height), made once with ffmpeg into a cache directory that
 * concurrent processes share (each file is written to a temp name and renamed into place). Without a
 * working ffmpeg the bundled 64x36 clip and poster are served instead.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath, runFfmpeg } from '../ffmpeg.js';
import { FALLBACK_JPEG_BASE64, FALLBACK_MP4_BASE64 } from './assets/fallback-media.js';

/** A media body: a file on disk, or bytes in memory. */
export type MediaFile = { contentType: string } & ({ path: string; size: number } | { bytes: Buffer });

export const MAX_MEDIA_SIDE = 4096;
/** Part of every cache file name: bump it when the encoding changes, so stale files are not reused. */
const FORMAT = 'f1';
export const MAX_MEDIA_SECONDS = 120;

export function defaultMediaDir(): string {
  return process.env.PIXRENDER_SIM_MEDIA_DIR || join(tmpdir(), 'pixrender-sim-media');
}

export class MediaCache {
  private readonly inFlight = new Map<string, Promise<MediaFile>>();

  constructor(readonly dir: string = defaultMediaDir()) {}

  video(width: number, height: number, seconds: number): Promise<MediaFile> {
    const ms = Math.max(100, Math.round(seconds * 1000));
    const name = `clip-${FORMAT}-${width}x${height}-${ms}ms.mp4`;
    // Draw the pattern at a quarter of the size and scale it up: several times faster, still a real H.264 frame size.
    const small = (n: number) => Math.max(32, 2 * Math.round(n / 8));
    const args = [
      '-f', 'lavfi', '-i', `testsrc2=size=${small(width)}x${small(height)}:rate=24:duration=${ms / 1000}`,
      '-vf', `scale=${width}:${height}:flags=neighbor,setsar=1`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '35', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4',
    ];
    return this.cached(name, 'video/mp4', args, FALLBACK_MP4_BASE64);
  }

  poster(width: number, height: number): Promise<MediaFile> {
    const name = `poster-${FORMAT}-${width}x${height}.jpg`;
    const args = ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=1`, '-frames:v', '1', '-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', '8', '-f', 'mjpeg'];
    return this.cached(name, 'image/jpeg', args, FALLBACK_JPEG_BASE64);
  }

  private cached(name: string, contentType: string, args: string[], fallback: string): Promise<MediaFile> {
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.produce(name, contentType, args).catch(() => ({ contentType, bytes: Buffer.from(fallback, 'base64') }));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  private async produce(name: string, contentType: string, args: string[]): Promise<MediaFile> {
    const path = join(this.dir, name);
    const existing = await stat(path).catch(() => undefined);
    if (existing && existing.size > 0) return { contentType, path, size: existing.size };
    ffmpegPath(); // throws when there is no ffmpeg at all: the caller falls back
    await mkdir(this.dir, { recursive: true });
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await runFfmpeg(['-y', ...args, temp], { timeoutMs: 120_000 });
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true });
    }
    const made = await stat(path);
    return { contentType, path, size: made.size };
  }
}

const sizeOf = (file: MediaFile) => ('bytes' in file ? file.bytes.length : file.size);

/** Parses a single `bytes=` range; null when absent, 'invalid' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

async function readSlice(file: MediaFile, start: number, end: number): Promise<Buffer> {
  if ('bytes' in file) return file.bytes.subarray(start, end + 1);
  const handle = await open(file.path, 'r');
  try {
    const buf = Buffer.alloc(end - start + 1);
    await handle.read(buf, 0, buf.length, start);
    return buf;
  } finally {
    await handle.close();
  }
}

/**
 * Sends media with Content-Length, Accept-Ranges and single-range support (206/416). With `truncate`,
 * the headers announce the full length but only half of the body is sent before the socket is destroyed.
 */
export async function sendMedia(req: IncomingMessage, res: ServerResponse, file: MediaFile, truncate: boolean): Promise<void> {
  const size = sizeOf(file);
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const headers: Record<string, string | number> = {
    'Content-Type': file.contentType,
    'Content-Length': end - start + 1,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'public, max-age=604800',
  };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (truncate) {
    const cut = start + Math.floor((end - start + 1) / 2) - 1;
    const partial = cut >= start ? await readSlice(file, start, cut) : Buffer.alloc(0);
    res.write(partial, () => res.destroy());
    return;
  }
  if ('bytes' in file) {
    res.end(file.bytes.subarray(start, end + 1));
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file.path, { start, end });
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
