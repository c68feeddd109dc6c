/** Which request fields a listed video can confirm, and when they agree (unit tests of reconcile.ts). */
import { describe, expect, it } from 'vitest';
import type { VideoObject } from '../../src/api/protocol.js';
import { agrees, comparedFields } from '../../src/execute/reconcile.js';

const video = (v: Partial<VideoObject>): VideoObject => ({ video_id: 'v', video_status: 1, ...v });

describe('comparedFields', () => {
  it('are the request keys the video object also carries, whatever they are', () => {
    const body = { prompt: 'p', seed: 3, aspect_ratio: '9:16', quality: '360p', duration: 5, first_frame_path: 'upload/x.png', replyRef: 'r', replyUrl: 'u' };
    const v = video({ prompt: 'p', seed: 3, aspect_ratio: '16:9', quality: '360p', duration: 5 });
    expect(comparedFields(body, v).sort()).toEqual(['aspect_ratio', 'duration', 'prompt', 'quality', 'seed']);
    expect(agrees(body, v)).toBe(false);
    expect(agrees({ ...body, aspect_ratio: '16:9' }, v)).toBe(true);
  });

  it('reads a source video as original_video_id on upscales only, and the audio under lip_sync', () => {
    const upscaled = video({ original_video_id: 'src-1', upscaled: 1 });
    expect(agrees({ video_id: 'src-1' }, upscaled)).toBe(true);
    expect(agrees({ video_id: 'src-2' }, upscaled)).toBe(false);
    // An extend's source is not echoed ("0 otherwise"): not compared, not a mismatch.
    expect(comparedFields({ video_id: 'src-1', prompt: 'p' }, video({ original_video_id: 0, prompt: 'p' }))).toEqual(['prompt']);
    const lipsync = video({ lip_sync: { audio_path: 'upload/a.mp3' } });
    expect(agrees({ audio_path: 'upload/a.mp3' }, lipsync)).toBe(true);
    expect(agrees({ audio_path: 'upload/b.mp3' }, lipsync)).toBe(false);
  });

  it("leaves out the output's duration where it is not the requested one (extend, templates)", () => {
    const extended = video({ prompt: 'p', duration: 10 });
    expect(agrees({ prompt: 'p', duration: 5, video_id: 'src' }, extended)).toBe(true);
    expect(agrees({ prompt: 'p', duration: 5, template_id: 3 }, video({ prompt: 'p', duration: 8, template_id: 3 }))).toBe(true);
    expect(agrees({ prompt: 'p', duration: 5 }, extended)).toBe(false);
  });

  it('compares numbers shown as strings and booleans shown as 0/1', () => {
    expect(agrees({ template_id: 307489548427968 }, video({ template_id: '307489548427968' as never }))).toBe(true);
    expect(agrees({ off_peak_mode: true }, video({ off_peak_mode: 1 as never }))).toBe(true);
    expect(agrees({ off_peak_mode: true }, video({ off_peak_mode: false }))).toBe(false);
    expect(agrees({ template_id: 1 }, video({ template_id: 0 }))).toBe(false);
  });
});
