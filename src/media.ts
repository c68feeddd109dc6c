/**
 * Local media steps on top of ffmpeg (4.x or newer; there is no ffprobe, so probing reads `ffmpeg -i`):
 * probing, first/last frame extraction, concatenation and contact sheets. Every output is written to a
 * temp file beside its destination and renamed into place, so a destination is never half-written.
 */
import { mkdir, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runFfmpeg } from './ffmpeg.js';
import { commitTempFile, tempPathFor } from './state/atomic.js';
import { assertFolderWithin, type WriteRoots } from './state/contained.js';

export interface VideoInfo {
  /** Display size (a 90°/270° rotation is already applied). */
  width: number;
  height: number;
  durationSeconds: number;
  fps?: number;
  hasAudio: boolean;
}

export class MediaError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

/** Paths go to ffmpeg as `file:<absolute path>`, so no name is taken for an option or a protocol. */
const input = (file: string): string => `file:${resolve(file)}`;

export async function probeVideo(file: string): Promise<VideoInfo> {
  // -loglevel info after runFfmpeg's `error` brings the input description back; `-t 0` reads no media.
  const text = await runFfmpeg(['-loglevel', 'info', '-i', input(file), '-map', '0:v:0', '-c', 'copy', '-t', '0', '-f', 'null', '-']);
  const info = parseProbe(text, file);
  if (info.durationSeconds > 0) return info;
  // No duration in the header (e.g. a raw stream): decode it and take the time reached.
  const decoded = await runFfmpeg(['-loglevel', 'info', '-i', input(file), '-map', '0:v:0', '-f', 'null', '-']);
  const times = [...decoded.matchAll(/time=\s*(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  const last = times.at(-1);
  return { ...info, durationSeconds: last ? hms(last[1]!, last[2]!, last[3]!) : 0 };
}

/** Reads `ffmpeg -i` output: the first video stream's size, fps and rotation, the container duration. */
export function parseProbe(text: string, file = ''): VideoInfo {
  if (!/^Input #0/m.test(text)) throw new MediaError(`${file}: ffmpeg did not describe its input`, file);
  const lines = text.split(/\r?\n/);
  const videoLine = lines.findIndex((line) => /^\s*Stream #\d+:\d+.*?: Video: /.test(line));
  if (videoLine < 0) throw new MediaError(`${file}: no video stream`, file);
  const description = lines[videoLine]!.replace(/^.*?: Video: /, '');
  const flat = withoutParentheses(description);
  const size = flat.split(',').map((part) => /^\s*(\d+)x(\d+)\b/.exec(part)).find((match) => match !== null);
  if (!size) throw new MediaError(`${file}: cannot read the video size`, file);
  let width = Number(size[1]);
  let height = Number(size[2]);
  const streamBlock = takeWhile(lines.slice(videoLine + 1), (line) => !/^\s*Stream #/.test(line)).join('\n');
  const rotation = /rotate\s*:\s*(-?\d+)/.exec(streamBlock)?.[1] ?? /rotation of (-?[\d.]+) degrees/.exec(streamBlock)?.[1];
  if (rotation && Math.abs(Math.round(Number(rotation))) % 180 === 90) [width, height] = [height, width];
  const fps = /([\d.]+) fps/.exec(flat)?.[1] ?? /([\d.]+) tbr/.exec(flat)?.[1];
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
  return {
    width,
    height,
    durationSeconds: duration ? hms(duration[1]!, duration[2]!, duration[3]!) : 0,
    ...(fps && Number(fps) > 0 ? { fps: Number(fps) } : {}),
    hasAudio: lines.some((line) => /^\s*Stream #\d+:\d+.*?: Audio: /.test(line)),
  };
}

/** The length of any audio or video file, and its frame size when it has a picture. */
export interface MediaLength {
  durationSeconds: number;
  width?: number;
  height?: number;
}

/**
 * Measures an audio or video file from `ffmpeg -i` (`Duration:`, and the first video stream's size);
 * a file whose header has no duration is decoded to find it. Rejects when ffmpeg cannot read it.
 */
export async function probeLength(file: string): Promise<MediaLength> {
  const text = await runFfmpeg(['-loglevel', 'info', '-i', input(file), '-map', '0', '-c', 'copy', '-t', '0', '-f', 'null', '-']);
  const parsed = parseLength(text, file);
  if (parsed.durationSeconds > 0) return parsed;
  const decoded = await runFfmpeg(['-loglevel', 'info', '-i', input(file), '-f', 'null', '-']);
  const last = [...decoded.matchAll(/time=\s*(\d+):(\d+):(\d+(?:\.\d+)?)/g)].at(-1);
  const seconds = last ? hms(last[1]!, last[2]!, last[3]!) : 0;
  if (!(seconds > 0)) throw new MediaError(`${file}: cannot measure its length`, file);
  return { ...parsed, durationSeconds: seconds };
}

/** Reads `ffmpeg -i` output of any media file: the container duration (0 when N/A) and a video size. */
export function parseLength(text: string, file = ''): MediaLength {
  if (!/^Input #0/m.test(text)) throw new MediaError(`${file}: ffmpeg did not describe its input`, file);
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
  const durationSeconds = duration ? hms(duration[1]!, duration[2]!, duration[3]!) : 0;
  if (!/^\s*Stream #\d+:\d+.*?: Video: /m.test(text)) return { durationSeconds };
  const { width, height } = parseProbe(text, file);
  return { durationSeconds, width, height };
}

/** Writes the first or last decoded frame of a video as PNG. */
export async function extractFrame(video: string, which: 'first' | 'last', outPng: string): Promise<void> {
  await atomicOutput(outPng, '.png', async (temp) => {
    const png = ['-map', '0:v:0', '-f', 'image2', '-update', '1', '-c:v', 'png', '-y', `file:${temp}`];
    if (which === 'first') {
      await runFfmpeg(['-i', input(video), '-frames:v', '1', ...png]);
      return;
    }
    // Seek close to the end and keep overwriting the one image: the last frame decoded stays.
    await runFfmpeg(['-sseof', '-0.5', '-i', input(video), ...png]);
    if (await isNonEmpty(temp)) return;
    await runFfmpeg(['-i', input(video), ...png]); // the seek found nothing: decode it all
  });
}

/**
 * Joins videos in order into one H.264/yuv420p MP4 (AAC audio if any input has sound). Always re-encodes:
 * generated clips rarely agree on every stream parameter, and a stream copy over mismatched inputs
 * produces files that play wrongly without any error. Inputs of another size are scaled and padded to
 * the first input's size; frame rates follow the first input.
 */
/** `within`: the folders `out` must really be in (no symbolic link leading out), checked before any work and at the rename. */
export async function concatVideos(inputs: readonly string[], out: string, within?: WriteRoots): Promise<void> {
  if (inputs.length === 0) throw new MediaError('concat needs at least one input', out);
  if (within) await assertFolderWithin(out, within);
  const infos = await Promise.all(inputs.map(probeVideo));
  const first = infos[0]!;
  const width = even(first.width);
  const height = even(first.height);
  const fps = exactRate(first.fps ?? 30);
  const withAudio = infos.some((info) => info.hasAudio);
  const args: string[] = [];
  for (const file of inputs) args.push('-i', input(file));
  const graph: string[] = [];
  const segments: string[] = [];
  let nextInput = inputs.length;
  infos.forEach((info, i) => {
    graph.push(`[${i}:v:0]${fit(width, height)},fps=${fps},format=yuv420p[v${i}]`);
    segments.push(`[v${i}]`);
    if (!withAudio) return;
    let audio = i;
    if (!info.hasAudio) {
      // A silent track as long as the clip keeps every later segment's sound aligned with its picture.
      audio = nextInput++;
      args.push('-f', 'lavfi', '-t', String(Math.max(info.durationSeconds, 0.04)), '-i', 'anullsrc=r=48000:cl=stereo');
    }
    graph.push(`[${audio}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`);
    segments.push(`[a${i}]`);
  });
  graph.push(`${segments.join('')}concat=n=${inputs.length}:v=1:a=${withAudio ? 1 : 0}[v]${withAudio ? '[a]' : ''}`);
  args.push('-filter_complex', graph.join(';'), '-map', '[v]');
  if (withAudio) args.push('-map', '[a]', '-c:a', 'aac', '-b:a', '192k');
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart');
  await atomicOutput(out, '.mp4', (temp) => runFfmpeg([...args, '-f', 'mp4', '-y', `file:${temp}`], { timeoutMs: 600_000 }).then(() => undefined), within);
}

export interface ContactSheetOptions {
  /** @default min(4, number of inputs) */
  columns?: number;
  /** Width of one tile in pixels; the height follows the first input's aspect ratio. @default 320 */
  tileWidth?: number;
  /** One label per input (e.g. job ids), drawn at the bottom left of its tile. Needs a font (fontconfig or `fontFile`). */
  labels?: readonly string[];
  fontFile?: string;
  /** The folders `outJpg` must really be in (no symbolic link leading out), checked before any work and at the rename. */
  within?: WriteRoots;
}

/** Tiles one poster frame (the middle frame) of each input into one JPEG, row by row. */
export async function contactSheet(inputs: readonly string[], outJpg: string, options: ContactSheetOptions = {}): Promise<{ width: number; height: number }> {
  if (inputs.length === 0) throw new MediaError('a contact sheet needs at least one input', outJpg);
  if (options.within) await assertFolderWithin(outJpg, options.within);
  const infos = await Promise.all(inputs.map(probeVideo));
  const first = infos[0]!;
  const columns = Math.max(1, Math.min(options.columns ?? 4, inputs.length));
  const rows = Math.ceil(inputs.length / columns);
  const tileWidth = even(options.tileWidth ?? 320);
  const tileHeight = even((tileWidth * first.height) / first.width);
  const scratch = options.labels ? await mkdtemp(join(tmpdir(), 'pixrender-sheet-')) : undefined;
  try {
    const args: string[] = [];
    const filters: string[] = [];
    for (const [i, info] of infos.entries()) {
      args.push('-ss', (info.durationSeconds / 2).toFixed(3), '-i', input(inputs[i]!));
      let chain = `[${i}:v:0]trim=end_frame=1,setpts=PTS-STARTPTS,${fit(tileWidth, tileHeight)}`;
      const label = options.labels?.[i];
      if (label !== undefined && scratch) {
        // The text goes through a file: no escaping of the label itself.
        const textFile = join(scratch, `label-${i}.txt`);
        await writeFile(textFile, label);
        const font = options.fontFile ? `:fontfile=${filterValue(resolve(options.fontFile))}` : '';
        const size = Math.max(10, Math.round(tileHeight / 10));
        chain += `,drawtext=textfile=${filterValue(textFile)}${font}:expansion=none:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=6:y=h-th-6`;
      }
      filters.push(`${chain},format=yuv420p[t${i}]`);
    }
    const tiles = infos.map((_, i) => `[t${i}]`).join('');
    filters.push(`${tiles}concat=n=${inputs.length}:v=1:a=0,tile=${columns}x${rows},format=yuvj420p[sheet]`);
    args.push('-filter_complex', filters.join(';'), '-map', '[sheet]', '-frames:v', '1', '-q:v', '3', '-c:v', 'mjpeg');
    await atomicOutput(outJpg, '.jpg', (temp) => runFfmpeg([...args, '-f', 'image2', '-update', '1', '-y', `file:${temp}`]).then(() => undefined), options.within);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
  return { width: columns * tileWidth, height: rows * tileHeight };
}

export { sha256File } from './hash.js';

/** Runs `write(temp)` and moves the temp file into place only if it produced a non-empty file. */
async function atomicOutput(out: string, extension: string, write: (temp: string) => Promise<void>, within?: WriteRoots): Promise<void> {
  const target = resolve(out);
  if (within) await assertFolderWithin(target, within);
  await mkdir(dirname(target), { recursive: true });
  // ffmpeg writes the temp file beside the target: its folder must not lead out either.
  if (within) await assertFolderWithin(target, within);
  const temp = tempPathFor(target, extension);
  try {
    await write(temp);
    if (!(await isNonEmpty(temp))) throw new MediaError(`ffmpeg wrote nothing for ${out}`, out);
    await commitTempFile(temp, target, undefined, within);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Scales to fit inside width×height keeping the aspect ratio, and pads the rest with black. */
const fit = (width: number, height: number): string =>
  `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1`;

/** yuv420p needs even dimensions. */
const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));

/** Escapes a filter option value for both levels ffmpeg parses: the option list, then the filter graph. */
export function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, '\\$&');
  return option.replace(/[\\'[\],;]/g, '\\$&');
}

/** ffmpeg prints NTSC rates rounded (23.98); the filter needs the exact fraction. */
function exactRate(fps: number): string {
  for (const base of [24, 30, 60, 120]) if (Math.abs(fps - (base * 1000) / 1001) < 0.01) return `${base * 1000}/1001`;
  return String(fps);
}

const hms = (h: string, m: string, s: string): number => Number(h) * 3600 + Number(m) * 60 + Number(s);

function withoutParentheses(text: string): string {
  let previous;
  let current = text;
  do {
    previous = current;
    current = current.replace(/\([^()]*\)/g, '');
  } while (current !== previous);
  return current;
}

function takeWhile<T>(items: T[], keep: (item: T) => boolean): T[] {
  const index = items.findIndex((item) => !keep(item));
  return index < 0 ? items : items.slice(0, index);
}

async function isNonEmpty(file: string): Promise<boolean> {
  return stat(file).then((s) => s.size > 0, () => false);
}
