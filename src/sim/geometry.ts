/** Output frame sizes: the short side comes from the quality, the orientation from the aspect ratio. */

const SHORT_SIDE: Record<string, number> = { '360p': 360, '540p': 540, '720p': 720, '1080p': 1080 };

/** 540p 16:9 → 960x540, 9:16 → 540x960, 1:1 → 540x540, 4:3 → 720x540, 3:4 → 540x720. */
export function frameSize(quality: string, aspectRatio: string): { width: number; height: number } {
  const short = SHORT_SIDE[quality] ?? (Number.parseInt(quality, 10) || 540);
  const [a, b] = aspectRatio.split(':').map(Number) as [number, number];
  const ratio = a > 0 && b > 0 ? Math.max(a, b) / Math.min(a, b) : 16 / 9;
  const long = 2 * Math.round((short * ratio) / 2);
  return a >= b ? { width: long, height: short } : { width: short, height: long };
}

/** The 4K size an upscale reports and renders: the source's orientation with a 2160 short side. */
export function upscaleSize(width: number, height: number): { width: number; height: number } {
  const short = Math.min(width, height) || 1;
  const long = 2 * Math.round((2160 * Math.max(width, height)) / short / 2);
  return width >= height ? { width: long, height: 2160 } : { width: 2160, height: long };
}

/** The aspect ratio name closest to a frame size (for sources whose aspect ratio is only known by size). */
export function aspectOf(width: number, height: number): string {
  const candidates: [string, number][] = [['16:9', 16 / 9], ['9:16', 9 / 16], ['1:1', 1], ['4:3', 4 / 3], ['3:4', 3 / 4]];
  const r = height > 0 ? width / height : 16 / 9;
  return candidates.reduce((best, c) => (Math.abs(c[1] - r) < Math.abs(best[1] - r) ? c : best))[0];
}
