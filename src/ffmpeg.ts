/**
 * Locates and runs ffmpeg: $PIXRENDER_FFMPEG, else the system ffmpeg on PATH, else the binary that
 * @ffmpeg-installer/ffmpeg ships inside its npm package (no download at install time).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

let cached: string | undefined;

export function ffmpegPath(): string {
  if (cached) return cached;
  const fromEnv = process.env.PIXRENDER_FFMPEG;
  if (fromEnv) return (cached = fromEnv);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    try {
      accessSync(candidate, constants.X_OK);
      return (cached = candidate);
    } catch {
      /* not here */
    }
  }
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path: string };
    return (cached = installer.path);
  } catch {
    throw new Error('ffmpeg not found: install ffmpeg, or set PIXRENDER_FFMPEG to its path');
  }
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Runs ffmpeg with the given arguments; rejects with the tail of its stderr on failure. */
export function runFfmpeg(args: string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args],
      { maxBuffer: 16 * 1024 * 1024, signal: options.signal, timeout: options.timeoutMs ?? 120_000 },
      (error, _stdout, stderr) => {
        if (error) reject(new FfmpegError(`ffmpeg failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || error.message}`, stderr));
        else resolve(stderr);
      },
    );
  });
}
