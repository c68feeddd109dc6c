/**
 * Jobs over local media are priced from the media's measured length and size, and the simulator's charge
 * equals the plan: a 30 s local clip must not plan as a 5 s one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allQualities, loadCatalog, longestInput, priceOf, restyleSpec } from '../../src/catalog.js';
import { formatPlan } from '../../src/commands/plan.js';
import { runFfmpeg } from '../../src/ffmpeg.js';
import { measureMedia } from '../../src/media-lengths.js';
import { probeLength, sha256File } from '../../src/media.js';
import type { ResolvedManifest } from '../../src/model.js';
import { planManifest } from '../../src/plan-inputs.js';
import { makeRig, ran, type Rig } from '../render/helpers.js';

let media: string;
beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'pixrender-local-media-'));
  // One 30 s 720p clip (few frames: it is measured, not watched) and one 12 s tone.
  await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=2', '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', join(media, 'clip.mp4')]);
  await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000:duration=12', '-y', join(media, 'voice.wav')]);
}, 120_000);
afterAll(() => rm(media, { recursive: true, force: true }));

async function rigWith(yaml: string): Promise<Rig> {
  const rig = await makeRig({ credits: 5_000 });
  await runFfmpeg(['-i', join(media, 'clip.mp4'), '-c', 'copy', '-y', join(rig.dir, 'clip.mp4')]);
  await runFfmpeg(['-i', join(media, 'voice.wav'), '-c', 'copy', '-y', join(rig.dir, 'voice.wav')]);
  await rig.write(yaml);
  return rig;
}

const LOCAL_JOBS = `version: 1
name: local
assets:
  clip: ./clip.mp4
  voice: ./voice.wav
jobs:
  styled:
    restyle: clip
    style: anime
  talk:
    lipsync: { video: clip, audio: voice }
  longer:
    extend: clip
    prompt: The pattern keeps scrolling
  talk-longer:
    lipsync: { video: longer, text: Hello there }
  styled-longer:
    restyle: longer
    style: clay
`;

describe('pricing jobs over local media', () => {
  it('plans restyle, lipsync, extend (and jobs over that extension) of a 30 s 720p local clip at what the simulator charges', async () => {
    const rig = await rigWith(LOCAL_JOBS);
    try {
      const planned = await planManifest(rig.file, { backend: 'useapi' });
      if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
      const byId = Object.fromEntries(planned.plan.jobs.map((j) => [j.id, j.cost]));
      const { outcome } = await rig.render();
      const done = ran(outcome);
      expect(done.summary.failed).toBe(0);
      const charged = Object.fromEntries(rig.sim.stats().jobs.map((j) => [/^pixrender:(.*)@/.exec(j.replyRef ?? '')?.[1], j.credits]));
      expect(byId).toEqual(charged);
      expect(planned.plan.totals.credits).toBe(rig.sim.stats().creditsSpent);
      // 30 s at 6 credits a second; a 720p source restyled (8 s row, 720p); lipsync of the 35 s extension.
      expect([byId['talk'], byId['styled'], byId['talk-longer']]).toEqual([180, 80, 210]);
      expect(planned.plan.notes).toEqual([]);
    } finally {
      await rig.close();
    }
  }, 120_000);

  it('refuses a budget the real charge would exceed', async () => {
    const rig = await rigWith(LOCAL_JOBS.replace('name: local', 'name: local\nbudget: { credits: 200 }'));
    try {
      const { outcome } = await rig.render();
      expect(outcome.kind).toBe('over-budget');
      expect(rig.sim.stats().creditsSpent).toBe(0);
    } finally {
      await rig.close();
    }
  }, 120_000);

  it('prices a local input it cannot measure at the longest its endpoint accepts, at the costliest quality, and says so', async () => {
    const rig = await makeRig();
    try {
      await writeFile(join(rig.dir, 'clip.mp4'), 'not a video at all');
      await runFfmpeg(['-i', join(media, 'voice.wav'), '-c', 'copy', '-y', join(rig.dir, 'voice.wav')]);
      await rig.write(LOCAL_JOBS);
      const planned = await planManifest(rig.file, { backend: 'useapi' });
      if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
      const cost = Object.fromEntries(planned.plan.jobs.map((j) => [j.id, j.cost]));
      const cat = loadCatalog();
      const longestVideo = longestInput(cat, 'videos/lipsync', 'video');
      expect(cost['talk']).toBe(6 * longestVideo);
      // No quality of restyle costs more than what the plan assumed.
      const restyleMax = Math.max(...allQualities(cat).map((q) => priceOf(cat, restyleSpec(cat, 'v4', q, longestInput(cat, 'videos/restyle', 'video'))).standard));
      expect(cost['styled']).toBe(restyleMax);
      expect(cost['talk-longer']).toBe(Math.ceil(6 * (longestVideo + 5)));
      expect(planned.plan.notes).toEqual(
        expect.arrayContaining([
          { code: 'input-length-unknown', job: 'talk', file: join(rig.dir, 'clip.mp4'), assumedSeconds: longestVideo },
          { code: 'input-length-unknown', job: 'styled', file: join(rig.dir, 'clip.mp4'), assumedSeconds: longestInput(cat, 'videos/restyle', 'video') },
          { code: 'input-length-unknown', job: 'longer', file: join(rig.dir, 'clip.mp4'), assumedSeconds: longestInput(cat, 'videos/extend', 'video') },
        ]),
      );
      expect(formatPlan(planned.plan)).toContain(`note: talk: could not measure ${join(rig.dir, 'clip.mp4')}; priced at`);
    } finally {
      await rig.close();
    }
  }, 120_000);
});

describe('measuring local media', () => {
  it('measures each content once: a copy under another name and a second plan read the cache, a changed file is measured again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pixrender-lengths-'));
    try {
      const cacheFile = join(dir, '.pixrender', 'media-lengths.json');
      let probes = 0;
      const probe = async (file: string) => {
        probes++;
        return probeLength(file);
      };
      await runFfmpeg(['-i', join(media, 'clip.mp4'), '-c', 'copy', '-y', join(dir, 'a.mp4')]);
      await runFfmpeg(['-i', join(media, 'clip.mp4'), '-c', 'copy', '-y', join(dir, 'b.mp4')]);
      const m = {
        file: join(dir, 'p.yaml'),
        jobs: [
          { inputs: { video_path: { type: 'asset', name: 'a', file: './a.mp4' } } },
          { inputs: { video_path: { type: 'asset', name: 'b', file: './b.mp4' }, audio_path: { type: 'asset', name: 'v', file: './v.wav' } } },
        ],
      } as unknown as ResolvedManifest;
      await runFfmpeg(['-i', join(media, 'voice.wav'), '-y', join(dir, 'v.wav')]);
      const hashes = async () => new Map(await Promise.all(['./a.mp4', './b.mp4', './v.wav'].map(async (f) => [f, await sha256File(join(dir, f))] as const)));
      const first = await measureMedia(m, await hashes(), { cacheFile, memory: false, probe });
      expect(first.get('./a.mp4')).toEqual({ ok: true, durationSeconds: 30, width: 1280, height: 720 });
      expect(first.get('./v.wav')).toEqual({ ok: true, durationSeconds: 12 });
      expect(probes).toBe(3); // a and b share content, but were measured side by side
      probes = 0;
      const again = await measureMedia(m, await hashes(), { cacheFile, memory: false, probe });
      expect(probes).toBe(0);
      expect(again).toEqual(first);
      await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=2', '-t', '7', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', join(dir, 'a.mp4')]);
      const changed = await measureMedia(m, await hashes(), { cacheFile, memory: false, probe });
      expect(probes).toBe(1);
      expect(changed.get('./a.mp4')).toEqual({ ok: true, durationSeconds: 7, width: 640, height: 360 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
