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

  it('lists every model with endpoint support from the catalog', () => {
    expect(report.models.map((m) => m.name)).toEqual(['v4', 'v4.5', 'v5']);
    const v4 = report.models.find((m) => m.name === 'v4')!;
    const v45 = report.models.find((m) => m.name === 'v4.5')!;
    expect(v4.endpoints['videos/restyle']).toBe('yes');
    expect(v45.endpoints['videos/restyle']).toBe('no');
    expect(v45.endpoints['videos/extend']).toBe('unconfirmed-allowed');
    expect(v45.isDefault).toBe(true);
  });

  it('prices each allowed combination, standard and off-peak, and names the refused ones', () => {
    const v4 = report.models.find((m) => m.name === 'v4')!;
    expect(v4.combinations).toContainEqual({ quality: '540p', duration: 5, motion: 'normal', credits: 30, offPeakCredits: 15 });
    expect(v4.combinations).toContainEqual({ quality: '360p', duration: 8, motion: 'fast', credits: 80, offPeakCredits: 40 });
    expect(v4.combinations).toHaveLength(12);
    expect(v4.refused.map((r) => `${r.quality} ${r.duration} ${r.motion}`).sort()).toEqual(['1080p 5 fast', '1080p 8 fast', '1080p 8 normal', '720p 8 fast']);
    const v5 = report.models.find((m) => m.name === 'v5')!;
    expect(v5.combinations).toContainEqual({ quality: '1080p', duration: 8, motion: 'normal', credits: 160, offPeakCredits: 80 });
  });

  it('states the pricing rules of upscale and lipsync', () => {
    const upscale = report.pricing.find((p) => p.endpoint === 'videos/upscale')!;
    expect(upscale).toMatchObject({ rule: 'upscale', offPeak: false });
    expect(upscale.description).toContain('source ≤ 5 s: 30; source ≤ 8 s: 60');
    expect(report.pricing.find((p) => p.endpoint === 'videos/lipsync')).toMatchObject({ rule: 'per-second', offPeak: true });
  });

  it('takes catalog overrides (the project config)', () => {
    const custom = buildModelsReport({
      models: { v6: { name: 'v6', qualities: ['720p'], durations: [10], motions: ['normal'], aspectRatios: ['16:9'], offPeak: false, limits: [], endpoints: { 'videos/create': true } } },
      prices: { '720p': { '10': { normal: 100 } } },
    });
    const v6 = custom.models.find((m) => m.name === 'v6')!;
    expect(custom.models.at(-1)?.name).toBe('v6');
    expect(v6.combinations).toEqual([{ quality: '720p', duration: 10, motion: 'normal', credits: 100, offPeakCredits: null }]);
  });

  it('prints a readable table', () => {
    const text = formatModelsReport(report);
    expect(text).toContain('v4.5 (default)');
    expect(text).toMatch(/540p\s+5 s\s+normal\s+30\s+15/);
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
