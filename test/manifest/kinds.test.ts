import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/manifest/index.js';
import { codes, errors, job, load, loadValid } from './helpers.js';

const files = { '/proj/hero.png': 'png', '/proj/cup.jpg': 'jpg', '/proj/clip.mp4': 'mp4', '/proj/voice.wav': 'wav' };
const assets = 'assets: { hero: ./hero.png, cup: ./cup.jpg, clip: ./clip.mp4, voice: ./voice.wav }\n';

describe('create', () => {
  it('text-to-video sends aspect_ratio; image-to-video does not, and takes the image as first_frame_path', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  t: { prompt: p, sound: waves, autoSound: true, audio: true, multiShot: true, previewMode: true }\n  i: { prompt: p, image: hero }\n  f: { prompt: p, image: t }\n  c: { prompt: p, image: ./cup.jpg, speech: { text: hi, voice: james } }\n  v: { lipsync: { video: clip, audio: voice } }\n`, files);
    expect(job(m, 't').params).toEqual({
      model: 'v6', prompt: 'p', quality: '720p', duration: 5, aspect_ratio: '16:9',
      sound_effect_prompt: 'waves', auto_sound: true, audio: true, multi_shot: true, preview_mode: true, seed: deriveSeed('t'),
    });
    expect(job(m, 'i').params).not.toHaveProperty('aspect_ratio');
    expect(job(m, 'i').inputs).toEqual({ first_frame_path: { type: 'asset', name: 'hero', file: '/proj/hero.png' } });
    expect(job(m, 'f').inputs).toEqual({ first_frame_path: { type: 'job-frame', job: 't', frame: 'last' } });
    expect(job(m, 'c').inputs.first_frame_path).toEqual({ type: 'asset', name: './cup.jpg', file: '/proj/cup.jpg' });
    expect(job(m, 'c').params).toMatchObject({ lip_sync_tts_prompt: 'hi', lip_sync_tts_speaker_id: '1003' });
  });

  it('effects: template_id by display name (any case), no model, no duration (the template fixes it), the two-image form with lastImage', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  z: { effect: cinematic zoom, image: hero, quality: 360p }\n  h: { effect: Warm Hug, image: hero, lastImage: cup }\n`, files);
    expect(job(m, 'z').params).toEqual({ quality: '360p', seed: deriveSeed('z'), template_id: 307489548427968 });
    // Without a quality, a template renders at its first one (not the model's 720p default).
    expect(job(m, 'h').params).toMatchObject({ quality: '360p' });
    expect(job(m, 'h').inputs).toEqual({
      first_frame_path: { type: 'asset', name: 'hero', file: '/proj/hero.png' },
      last_frame_path: { type: 'asset', name: 'cup', file: '/proj/cup.jpg' },
    });
  });
});

describe('frames, extend, fusion, transition', () => {
  it('frames: a job as first gives its last frame, as last its first; {job, frame} overrides', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  a: { prompt: p }\n  f1: { frames: { first: a, last: a } }\n  f2: { frames: { first: { job: a, frame: first }, last: hero } }\n`, files);
    expect(job(m, 'f1').inputs).toEqual({
      first_frame_path: { type: 'job-frame', job: 'a', frame: 'last' },
      last_frame_path: { type: 'job-frame', job: 'a', frame: 'first' },
    });
    expect(job(m, 'f2').inputs.first_frame_path).toEqual({ type: 'job-frame', job: 'a', frame: 'first' });
    expect(job(m, 'f1').params).toMatchObject({ model: 'v5.6', quality: '540p', aspect_ratio: '16:9' });
    expect(job(m, 'f1').params).not.toHaveProperty('motion_mode');
  });

  it('extend: a job → video_id, a local video → video_path; an image is the wrong kind', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  a: { prompt: p }\n  e1: { extend: a }\n  e2: { extend: clip, prompt: more }\n`, files);
    expect(job(m, 'e1').inputs).toEqual({ video_id: { type: 'job-video', job: 'a' } });
    expect(job(m, 'e2').inputs).toEqual({ video_path: { type: 'asset', name: 'clip', file: '/proj/clip.mp4' } });
    expect(job(m, 'e1').params).not.toHaveProperty('prompt');
    const r = await load(`version: 1\n${assets}jobs:\n  e: { extend: hero }\n`, files);
    expect(codes(r)).toContain('asset-kind');
  });

  it('fusion: images in order, @labels rewritten to @picN', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  a: { prompt: p }\n  f:\n    fusion: { images: { bg: cup, who: a } }\n    prompt: "@who waves in front of @bg, @pic1 again"\n`, files);
    expect(job(m, 'f').inputs).toEqual({
      frame_1_path: { type: 'asset', name: 'cup', file: '/proj/cup.jpg' },
      frame_2_path: { type: 'job-frame', job: 'a', frame: 'last' },
    });
    expect(job(m, 'f').params.prompt).toBe('@pic2 waves in front of @pic1, @pic1 again');
    expect(job(m, 'f').params).not.toHaveProperty('motion_mode');
  });

  it('transition: first item its last frame, others their first; per-segment durations and prompts', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  a: { prompt: p }\n  b: { prompt: p }\n  t:\n    transition: [a, hero, b]\n    durations: [8, 5]\n    prompt: all\n`, files);
    const t = job(m, 't');
    expect(t.inputs).toEqual({
      frame_1_path: { type: 'job-frame', job: 'a', frame: 'last' },
      frame_2_path: { type: 'asset', name: 'hero', file: '/proj/hero.png' },
      frame_3_path: { type: 'job-frame', job: 'b', frame: 'first' },
    });
    expect(t.params).toEqual({
      model: 'v5', quality: '540p', duration_1_to_2: 8, prompt_1_to_2: 'all', duration_2_to_3: 5, prompt_2_to_3: 'all', seed: deriveSeed('t'),
    });
    const r = await load(`version: 1\n${assets}jobs:\n  t: { transition: [hero, cup, hero], prompts: [one] }\n`, files);
    expect(errors(r)).toEqual(['segment-count']);
  });
});

describe('lipsync and upscale', () => {
  it('lipsync: text + voice → prompt + speaker_id; audio → audio_path', async () => {
    const m = await loadValid(`version: 1\n${assets}jobs:\n  a: { prompt: p }\n  t: { lipsync: { video: a, text: hello, voice: Emma, keepOriginalSound: true } }\n  s: { lipsync: { video: clip, audio: ./voice.wav } }\n`, files);
    expect(job(m, 't').params).toEqual({ prompt: 'hello', speaker_id: '1001', original_sound_switch: true });
    expect(job(m, 't').inputs).toEqual({ video_id: { type: 'job-video', job: 'a' } });
    expect(job(m, 's').inputs).toEqual({
      video_path: { type: 'asset', name: 'clip', file: '/proj/clip.mp4' },
      audio_path: { type: 'asset', name: './voice.wav', file: '/proj/voice.wav' },
    });
  });

  it('upscale takes only jobs', async () => {
    const r = await load(`version: 1\n${assets}jobs:\n  u: { upscale: ./clip.mp4 }\n`, files);
    expect(codes(r)).toContain('upscale-source');
  });
});
