/**
 * Locates and runs ffmpeg: $PIXRENDER_FFMPEG, else the system ffmpeg on PATH, else the binary that the
 * optional dependency @ffmpeg-installer/ffmpeg ships inside its npm package (no download at install time).
 * Only a command that touches media looks: validate, plan of generated jobs and the like run without it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** `missing`: no ffmpeg to run (the message says how to get one); `failed`: ffmpeg ran and refused. */
export type FfmpegFailure = 'missing' | 'failed';

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly kind: FfmpegFailure = 'failed',
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export const FFMPEG_MISSING =
  'ffmpeg not found: install ffmpeg on your PATH (apt install ffmpeg, brew install ffmpeg, winget install ffmpeg) or run `npm install @ffmpeg-installer/ffmpeg`; PIXRENDER_FFMPEG may name the binary';

let cached: string | undefined;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The installer package is optional: absent (--omit=optional, an unsupported platform) means no path. */
function bundled(): string | undefined {
  try {
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof installer.path === 'string' && executable(installer.path) ? installer.path : undefined;
  } catch {
    return undefined;
  }
}

export function ffmpegPath(): string {
  if (cached) return cached;
  const fromEnv = process.env.PIXRENDER_FFMPEG;
  if (fromEnv) {
    // An explicit choice that does not work is reported, not silently replaced by another ffmpeg.
    if (!executable(fromEnv)) throw new FfmpegError(`PIXRENDER_FFMPEG is ${fromEnv}, which is not an executable file; ${FFMPEG_MISSING}`, '', 'missing');
    return (cached = fromEnv);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (executable(candidate)) return (cached = candidate);
  }
  const shipped = bundled();
  if (shipped) return (cached = shipped);
  throw new FfmpegError(FFMPEG_MISSING, '', 'missing');
}

/** Runs ffmpeg with the given arguments; rejects with the tail of its stderr on failure. */
export async function runFfmpeg(args: string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  const binary = ffmpegPath();
  // child_process (and net, dgram and the streams behind it) loads when ffmpeg first runs: validate and
  // plan import this module through the media probes but mostly run nothing.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args],
      { maxBuffer: 16 * 1024 * 1024, signal: options.signal, timeout: options.timeoutMs ?? 120_000 },
      (error, _stdout, stderr) => {
        if (error) reject(new FfmpegError(`ffmpeg failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || error.message}`, stderr));
        else resolve(stderr);
      },
    );
  });
}
