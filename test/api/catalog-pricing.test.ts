import { describe, expect, it } from 'vitest';
import { checkCombination, loadCatalog, priceOf, type ModelSpec } from '../../src/catalog.js';

const cat = loadCatalog();
const create = (model: string, quality: string, duration: number, motion = 'normal') =>
  ({ endpoint: 'videos/create', model, quality, duration, motion }) as const;

describe('catalog prices', () => {
  it('5 s 540p normal costs 30, off-peak 15', () => {
    expect(priceOf(cat, create('v4.5', '540p', 5))).toEqual({ standard: 30, offPeak: 15 });
  });

  it('8 s doubles the price, fast motion doubles it again', () => {
    expect(priceOf(cat, create('v4.5', '540p', 8)).standard).toBe(60);
    expect(priceOf(cat, create('v4.5', '540p', 5, 'fast')).standard).toBe(60);
    expect(priceOf(cat, create('v4', '540p', 8, 'fast')).standard).toBe(120);
    expect(priceOf(cat, create('v4', '360p', 5)).standard).toBe(20);
    expect(priceOf(cat, create('v4', '720p', 5)).standard).toBe(40);
    expect(priceOf(cat, create('v4', '1080p', 5)).standard).toBe(80);
  });

  it('a plan off-peak factor replaces the default half price', () => {
    expect(priceOf(cat, create('v4.5', '540p', 5), 0.7)).toEqual({ standard: 30, offPeak: 21 });
  });

  it('refuses 1080p 8 s on v4 and v4.5, and 720p 8 s fast', () => {
    expect(checkCombination(cat, create('v4', '1080p', 8))).toMatch(/1080p/);
    expect(checkCombination(cat, create('v4.5', '1080p', 8))).toMatch(/1080p/);
    expect(checkCombination(cat, create('v4', '1080p', 5, 'fast'))).not.toBeNull();
    expect(checkCombination(cat, create('v4.5', '720p', 8, 'fast'))).toMatch(/720p/);
    expect(checkCombination(cat, create('v4.5', '720p', 8))).toBeNull();
    expect(checkCombination(cat, create('v4.5', '540p', 5))).toBeNull();
  });

  it('upscale costs 30 for a 5 s source and 60 for 8 s, with no off-peak price', () => {
    expect(priceOf(cat, { endpoint: 'videos/upscale', sourceDuration: 5 })).toEqual({ standard: 30, offPeak: null });
    expect(priceOf(cat, { endpoint: 'videos/upscale', sourceDuration: 8 })).toEqual({ standard: 60, offPeak: null });
  });

  it('project overrides add a model and change prices', () => {
    const v6: ModelSpec = {
      name: 'v6',
      qualities: ['540p', '720p'],
      durations: [5, 10],
      motions: ['normal'],
      aspectRatios: ['16:9'],
      offPeak: true,
      limits: [],
      endpoints: { 'videos/create': true, 'videos/restyle': false },
    };
    const custom = loadCatalog({ prices: { '540p': { '10': { normal: 70 } }, '720p': { '5': { normal: 45 } } }, models: { v6 } });
    expect(Object.keys(custom.models).sort()).toEqual(['v4', 'v4.5', 'v5', 'v6']);
    expect(checkCombination(custom, create('v6', '540p', 10))).toBeNull();
    expect(priceOf(custom, create('v6', '540p', 10))).toEqual({ standard: 70, offPeak: 35 });
    expect(priceOf(custom, create('v4', '720p', 5)).standard).toBe(45);
    expect(priceOf(custom, create('v4', '540p', 5)).standard).toBe(30);
    expect(checkCombination(custom, { endpoint: 'videos/restyle', model: 'v6', quality: '540p', duration: 5 })).toMatch(/does not support/);
    // The built-in catalog is not changed by an override.
    expect(loadCatalog().models.v6).toBeUndefined();
  });
});
