import { expect, test, vi } from 'vitest';

vi.mock('../../src/ffmpeg.js', () => ({
  ffmpegPath: () => {
    throw new Error('ffmpeg not found');
  },
  runFfmpeg: () => Promise.reject(new Error('ffmpeg not found')),
}));

const { MediaCache } = await import('../../src/sim/media.js');
const { FALLBACK_JPEG_BASE64, FALLBACK_MP4_BASE64 } = await import('../../src/sim/assets/fallback-media.js');
const { tempDir } = await import('./helpers.js');

test('without ffmpeg the bundled clip and poster are served', async () => {
  const dir = await tempDir();
  try {
    const cache = new MediaCache(dir.path);
    const clip = await cache.video(1280, 720, 5);
    expect(clip).toEqual({ contentType: 'video/mp4', bytes: Buffer.from(FALLBACK_MP4_BASE64, 'base64') });
    const poster = await cache.poster(1280, 720);
    expect(poster).toEqual({ contentType: 'image/jpeg', bytes: Buffer.from(FALLBACK_JPEG_BASE64, 'base64') });
  } finally {
    await dir.cleanup();
  }
});
