import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildModelsReport, command, formatModelsReport } from '../../src/commands/models.js';

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const code = await command.run(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('models report', () => {
  const report = buildModelsReport();
  const model = (name: string) => report.models.find((m) => m.name === name)!;

  it('lists today\'s native models first, then third-party ones, then the Aug-2025 ones as no longer listed', () => {
    const names = report.models.map((m) => m.name);
    expect(names.slice(0, 6)).toEqual(['v6', 'v5.6', 'v5.5', 'v5', 'v5-fast', 'pixverse-c1']);
    expect(names.slice(-2)).toEqual(['v4.5', 'v4']);
    expect(names).toContain('seedance-2.5');
    expect(model('v4.5').listed).toBe(false);
    expect(model('v6').listed).toBe(true);
    expect(model('seedance-2.5').family).toBe('third-party');
  });

  it('shows endpoints, defaults, durations per quality, flags and the price rule', () => {
    const v6 = model('v6');
    expect(v6.defaultFor).toEqual(['videos/create', 'videos/extend']);
    expect(v6.endpoints['videos/create-fusion']).toBe('no');
    expect(v6.durations).toEqual({ '360p': '1-15 s', '540p': '1-15 s', '720p': '1-15 s', '1080p': '1-15 s' });
    expect(v6).toMatchObject({ defaultQuality: '720p', audio: 'optional', multiShot: true, previewMode: true, offPeak: true });
    expect(v6.priceRule).toBe('per second: 360p 4, 540p 6, 720p 7, 1080p 14 credits/s; audio included');
    expect(model('v5.6').durations['1080p']).toBe('1-8 s');
    expect(model('v5').defaultFor).toEqual(['videos/lipsync', 'videos/create-transition']);
    expect(report.defaultModels).toMatchObject({ 'videos/create-frames': 'v5.6', 'videos/create-fusion': 'pixverse-c1', 'videos/restyle': 'v4' });
    expect(model('seedance-2.5').priceRule).toMatch(/worst case, 150 credits per second/);
    expect(model('pixverse-c1').assumptions.join(' | ')).toMatch(/off_peak_mode: not offered \(unknown\)/);
  });

  it('prices each allowed combination, standard and off-peak (no discount planned until GET features says one)', () => {
    expect(model('v6').combinations).toContainEqual({ quality: '540p', duration: 5, audio: true, credits: 30, offPeakCredits: 30 });
    expect(model('v5.5').combinations).toContainEqual({ quality: '540p', duration: 8, audio: true, credits: 80, offPeakCredits: 80 });
    expect(model('v4').combinations).toContainEqual({ quality: '360p', duration: 8, motion: 'fast', audio: false, credits: 80, offPeakCredits: 80 });
    expect(model('v4').refused.map((r) => `${r.quality} ${r.duration} ${r.motion}`).sort()).toEqual(['1080p 5 fast', '1080p 8 fast', '1080p 8 normal', '720p 8 fast']);
  });

  it('states the pricing rules of upscale and lipsync', () => {
    const upscale = report.pricing.find((p) => p.endpoint === 'videos/upscale')!;
    expect(upscale).toMatchObject({ rule: 'upscale', offPeak: false });
    expect(upscale.description).toContain('source ≤ 5 s: 30; source ≤ 8 s: 60');
    expect(report.pricing.find((p) => p.endpoint === 'videos/lipsync')).toMatchObject({ rule: 'per-second', offPeak: true });
  });

  it('takes catalog overrides (the project config): a new model and a changed price, without code', () => {
    const base = buildModelsReport().models.find((m) => m.name === 'v6')!;
    const custom = buildModelsReport({
      models: {
        v7: { name: 'v7', family: 'native', listed: true, listedOn: [], qualities: ['720p'], defaultQuality: '720p', durations: [10], motions: [], aspectRatios: ['16:9'], offPeak: false, audio: 'none', multiShot: false, previewMode: false, seed: true, limits: [], endpoints: { 'videos/create': true }, removedFields: [], price: { rule: 'per-second', perSecond: { '720p': 10 }, audioPerSecond: 0 }, assumptions: [] },
        v6: { price: { perSecond: { '720p': 8 } } },
      },
      defaultModels: { 'videos/create': 'v7' },
    });
    const v7 = custom.models.find((m) => m.name === 'v7')!;
    expect(custom.models[0]!.name).toBe('v7');
    expect(v7.defaultFor).toEqual(['videos/create']);
    expect(v7.combinations).toEqual([{ quality: '720p', duration: 10, audio: false, credits: 100, offPeakCredits: null }]);
    expect(custom.models.find((m) => m.name === 'v6')!.combinations).toContainEqual({ quality: '720p', duration: 5, audio: false, credits: 40, offPeakCredits: 40 });
    expect(base.combinations).toContainEqual({ quality: '720p', duration: 5, audio: false, credits: 35, offPeakCredits: 35 });
  });

  it('prints a readable text', () => {
    const text = formatModelsReport(report);
    expect(text).toContain('v6 (default for create, extend)');
    expect(text).toContain('v4.5 (no longer listed)');
    expect(text).toContain('qualities: 360p 1-10 s, 540p 1-10 s, 720p 1-10 s, 1080p 1-8 s; default 540p');
    expect(text).toContain('audio optional, multi_shot yes, preview_mode yes, seed yes, off-peak yes');
    expect(text).toMatch(/540p\s+5 s\s+normal\s+30\s+30/);
    expect(text).toContain('not offered: 1080p 8 s normal');
    expect(text).toContain('videos/upscale');
  });
});

describe('pixrender models', () => {
  it('--json prints the report as JSON', async () => {
    const { code, stdout } = await run(['--json', '--config-free']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(buildModelsReport())));
  });

  it('prints text by default, and refuses unknown flags with exit 2', async () => {
    const text = await run([]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Models catalog');
    const bad = await run(['--price']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--price');
  });
});
