import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError, runFfmpeg } from '../../src/ffmpeg.js';
import { concatVideos, contactSheet, extractFrame, MediaError, parseProbe, probeVideo, sha256File } from '../../src/media.js';

let dir: string;
const file = (name: string) => join(dir, name);

/** A real clip from ffmpeg's test pattern; `tone` adds a sine audio track. */
async function makeClip(name: string, size: string, seconds: number, tone = false): Promise<string> {
  const audio = tone ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`] : [];
  await runFfmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=24`, ...audio, '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', ...(tone ? ['-c:a', 'aac', '-shortest'] : []), '-y', file(name),
  ]);
  return file(name);
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
  let offset = 2;
  while (offset < bytes.length) {
    const marker = bytes.readUInt16BE(offset);
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xffc0 && marker <= 0xffc3) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  throw new Error('no SOF marker');
}

const leftovers = async () => (await readdir(dir)).filter((name) => name.includes('.tmp'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-media-'));
  await Promise.all([
    makeClip('a.mp4', '320x180', 1),
    makeClip('b.mp4', '160x120', 1, true),
    makeClip('c.mp4', '320x180', 1.5),
    makeClip('short.mp4', '320x180', 0.2),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probeVideo', () => {
  it('reads size, duration, frame rate and audio from real files', async () => {
    const a = await probeVideo(file('a.mp4'));
    expect(a).toMatchObject({ width: 320, height: 180, fps: 24, hasAudio: false });
    expect(a.durationSeconds).toBeCloseTo(1, 1);
    const b = await probeVideo(file('b.mp4'));
    expect(b).toMatchObject({ width: 160, height: 120, hasAudio: true });
    expect((await probeVideo(file('c.mp4'))).durationSeconds).toBeCloseTo(1.5, 1);
  });

  it('rejects a file that is not a video', async () => {
    await writeFile(file('not-video.mp4'), 'hello');
    await expect(probeVideo(file('not-video.mp4'))).rejects.toBeInstanceOf(FfmpegError);
  });
});

describe('parseProbe', () => {
  const header = "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n  Duration: 00:01:02.50, start: 0.000000, bitrate: 244 kb/s\n";
  it('swaps width and height for a rotated stream', () => {
    const text = `${header}    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1920x1080 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr\n    Metadata:\n      rotate          : 90\n    Stream #0:1(und): Audio: aac (LC), 44100 Hz, stereo\n`;
    expect(parseProbe(text)).toEqual({ width: 1080, height: 1920, durationSeconds: 62.5, fps: 30, hasAudio: true });
  });
  it('does not read the codec tag as a size', () => {
    const text = `${header}    Stream #0:0: Video: h264 (avc1 / 0x31637661), yuv420p, 640x360, 23.98 fps\n`;
    expect(parseProbe(text)).toMatchObject({ width: 640, height: 360, fps: 23.98, hasAudio: false });
  });
  it('reports a file without a video stream, or output that describes no input', () => {
    expect(() => parseProbe(`${header}    Stream #0:0: Audio: aac, 44100 Hz\n`, 'x.m4a')).toThrow('x.m4a: no video stream');
    expect(() => parseProbe('At least one output file must be specified\n', 'y.mp4')).toThrow(MediaError);
  });
});

describe('extractFrame', () => {
  it('writes the first and the last frame as PNGs of the video size, and they differ', async () => {
    await extractFrame(file('a.mp4'), 'first', file('first.png'));
    await extractFrame(file('a.mp4'), 'last', file('last.png'));
    const first = await readFile(file('first.png'));
    const last = await readFile(file('last.png'));
    expect(pngSize(first)).toEqual({ width: 320, height: 180 });
    expect(pngSize(last)).toEqual({ width: 320, height: 180 });
    expect(first.equals(last)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('gives the same last frame as decoding the whole video', async () => {
    await extractFrame(file('c.mp4'), 'last', file('c-last.png'));
    await runFfmpeg(['-i', file('c.mp4'), '-f', 'image2', '-update', '1', '-c:v', 'png', '-y', file('c-last-full.png')]);
    await runFfmpeg(['-i', file('c.mp4'), '-frames:v', '1', '-f', 'image2', '-c:v', 'png', '-y', file('c-first.png')]);
    const last = await readFile(file('c-last.png'));
    expect(last.equals(await readFile(file('c-last-full.png')))).toBe(true);
    expect(last.equals(await readFile(file('c-first.png')))).toBe(false);
  });

  it('works on a video shorter than the end seek', async () => {
    await extractFrame(file('short.mp4'), 'last', file('short-last.png'));
    expect(pngSize(await readFile(file('short-last.png')))).toEqual({ width: 320, height: 180 });
  });

  it('leaves an existing output untouched and no temp file when ffmpeg fails', async () => {
    await writeFile(file('keep.png'), 'old');
    await expect(extractFrame(file('missing.mp4'), 'last', file('keep.png'))).rejects.toThrow();
    expect(await readFile(file('keep.png'), 'utf8')).toBe('old');
    expect(await leftovers()).toEqual([]);
  });
});

describe('concatVideos', () => {
  it('joins clips of different sizes, with and without audio, at the first clip size', async () => {
    await concatVideos([file('a.mp4'), file('b.mp4'), file('c.mp4')], file('out/joined.mp4'));
    const joined = await probeVideo(file('out/joined.mp4'));
    expect(joined).toMatchObject({ width: 320, height: 180, hasAudio: true });
    expect(joined.durationSeconds).toBeGreaterThan(3.5 - 0.15);
    expect(joined.durationSeconds).toBeLessThan(3.5 + 0.15);
  });

  it('joins silent clips into a silent H.264 video', async () => {
    await concatVideos([file('a.mp4'), file('a.mp4')], file('twice.mp4'));
    const twice = await probeVideo(file('twice.mp4'));
    expect(twice).toMatchObject({ width: 320, height: 180, hasAudio: false });
    expect(twice.durationSeconds).toBeCloseTo(2, 1);
    const description = await runFfmpeg(['-loglevel', 'info', '-i', file('twice.mp4'), '-t', '0', '-f', 'null', '-']);
    expect(description).toMatch(/Video: h264 .*yuv420p/);
  });

  it('keeps the previous output when an input is broken', async () => {
    await writeFile(file('kept.mp4'), 'previous');
    await expect(concatVideos([file('a.mp4'), file('not-video.mp4')], file('kept.mp4'))).rejects.toThrow();
    expect(await readFile(file('kept.mp4'), 'utf8')).toBe('previous');
    expect(await leftovers()).toEqual([]);
  });

  it('refuses an empty list', async () => {
    await expect(concatVideos([], file('none.mp4'))).rejects.toBeInstanceOf(MediaError);
  });
});

describe('contactSheet', () => {
  it('tiles one frame per input into a JPEG of columns × rows tiles', async () => {
    const size = await contactSheet([file('a.mp4'), file('b.mp4'), file('c.mp4')], file('sheet.jpg'), { columns: 2 });
    expect(size).toEqual({ width: 640, height: 360 });
    expect(jpegSize(await readFile(file('sheet.jpg')))).toEqual(size);
  });

  it('uses one row by default for a few inputs and honours the tile width', async () => {
    const size = await contactSheet([file('a.mp4'), file('c.mp4')], file('row.jpg'), { tileWidth: 160 });
    expect(size).toEqual({ width: 320, height: 90 });
    expect(jpegSize(await readFile(file('row.jpg')))).toEqual(size);
  });

  it('draws labels, including characters the filter graph treats specially', async () => {
    const inputs = [file('a.mp4'), file('c.mp4')];
    await contactSheet(inputs, file('plain.jpg'));
    await contactSheet(inputs, file('labelled.jpg'), { labels: ["intro[k=v]", "a:b,'c';%{n}\\"] });
    const labelled = await readFile(file('labelled.jpg'));
    expect(jpegSize(labelled)).toEqual({ width: 640, height: 180 });
    expect(labelled.equals(await readFile(file('plain.jpg')))).toBe(false);
    expect(await leftovers()).toEqual([]);
  });
});

describe('sha256File', () => {
  it('hashes the file content', async () => {
    const bytes = await readFile(file('a.mp4'));
    expect(await sha256File(file('a.mp4'))).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
  it('rejects for a missing file', async () => {
    await expect(sha256File(file('missing.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
