// Local media assets for generated manifests: made once with ffmpeg, cached, copied into each project.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../dist/ffmpeg.js';

const run = promisify(execFile);

/** name → ffmpeg arguments after `-y` (the output path is appended). */
const RECIPES = {
  'hero.png': ['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=1', '-frames:v', '1'],
  'cup.jpg': ['-f', 'lavfi', '-i', 'smptebars=size=480x480:rate=1', '-frames:v', '1'],
  'kitchen.png': ['-f', 'lavfi', '-i', 'color=c=orange:size=640x360:rate=1', '-frames:v', '1'],
  'tall.webp': ['-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=1', '-frames:v', '1'],
  'clip.mp4': ['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'],
  'long.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10', '-t', '7', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'],
  'voice.wav': ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3'],
  'jingle.mp3': ['-f', 'lavfi', '-i', 'sine=frequency=660:duration=2'],
};

export const ASSET_NAMES = Object.keys(RECIPES);

export const defaultAssetDir = () => join(tmpdir(), 'pixrender-soak-assets-v1');

/** Makes every asset that is not in `dir` yet; returns the directory. */
export async function ensureAssets(dir = defaultAssetDir()) {
  await mkdir(dir, { recursive: true });
  for (const [name, args] of Object.entries(RECIPES)) {
    const target = join(dir, name);
    if (existsSync(target)) continue;
    const partial = join(dir, `.partial-${process.pid}-${name}`);
    await run(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args, '-f', format(name), partial]);
    await rename(partial, target);
  }
  return dir;
}

function format(name) {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return { png: 'image2', jpg: 'image2', webp: 'webp', mp4: 'mp4', wav: 'wav', mp3: 'mp3' }[ext];
}

export async function copyAssets(from, projectDir, names) {
  await mkdir(join(projectDir, 'assets'), { recursive: true });
  for (const name of names) await copyFile(join(from, name), join(projectDir, 'assets', name));
}
