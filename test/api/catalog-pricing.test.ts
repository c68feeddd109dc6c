import { describe, expect, it } from 'vitest';
import { checkCombination, defaultModelFor, loadCatalog, priceOf, qualityOf, type RenderSpec } from '../../src/catalog.js';

const cat = loadCatalog();
const create = (model: string | undefined, quality: string | undefined, duration: number, extra: Partial<RenderSpec> = {}): RenderSpec => ({
  endpoint: 'videos/create',
  ...(model ? { model } : {}),
  ...(quality ? { quality } : {}),
  duration,
  ...extra,
});

describe('today: v6 per second', () => {
  it('charges 4/6/7/14 credits per second at 360/540/720/1080p, audio included', () => {
    expect(priceOf(cat, create('v6', '360p', 5)).standard).toBe(20);
    expect(priceOf(cat, create('v6', '540p', 5)).standard).toBe(30);
    expect(priceOf(cat, create('v6', '720p', 8)).standard).toBe(56);
    expect(priceOf(cat, create('v6', '1080p', 15)).standard).toBe(210);
    expect(priceOf(cat, create('v6', '540p', 5, { audio: true })).standard).toBe(30);
  });

  it('renders a request without model or quality on v6 at 720p, 1-15 s', () => {
    expect(defaultModelFor(cat, 'videos/create')).toBe('v6');
    expect(qualityOf(cat, create(undefined, undefined, 15))).toBe('720p');
    expect(checkCombination(cat, create(undefined, undefined, 15))).toBeNull();
    expect(priceOf(cat, create(undefined, undefined, 15)).standard).toBe(105);
    expect(checkCombination(cat, create('v6', '720p', 16))).toMatch(/1-15 s/);
  });

  it('applies the account factors as multipliers, rounded up once (30 × 0.7 × 0.8 = 16.8 → 17)', () => {
    expect(priceOf(cat, create('v6', '540p', 5), { offPeak: 0.7 })).toEqual({ standard: 30, offPeak: 21 });
    expect(priceOf(cat, create('v6', '540p', 5, { preview: true }), { offPeak: 0.7, preview: 0.8 })).toEqual({ standard: 24, offPeak: 17 });
  });

  it('prices off-peak at the standard rate when no factor was read (the higher side)', () => {
    expect(priceOf(cat, create('v6', '540p', 5))).toEqual({ standard: 30, offPeak: 30 });
  });
});

describe('today: v5.x by table', () => {
  it('adds the audio surcharge of v5.5 (5 s 540p 30 → 40, 8 s 60 → 80)', () => {
    expect(priceOf(cat, create('v5.5', '540p', 5)).standard).toBe(30);
    expect(priceOf(cat, create('v5.5', '540p', 5, { audio: true })).standard).toBe(40);
    expect(priceOf(cat, create('v5.5', '540p', 8, { audio: true })).standard).toBe(80);
    expect(priceOf(cat, create('v5.5', '360p', 10, { audio: true })).standard).toBe(50);
  });

  it('prices a length without its own row at the next longer row', () => {
    expect(priceOf(cat, create('v5.5', '540p', 1)).standard).toBe(30);
    expect(priceOf(cat, create('v5.5', '540p', 6)).standard).toBe(60);
    expect(priceOf(cat, create('v5', '1080p', 8)).standard).toBe(160);
  });

  it('allows 1-10 s with 1080p at most 8 s, default 540p', () => {
    expect(checkCombination(cat, create('v5.6', '1080p', 8))).toBeNull();
    expect(checkCombination(cat, create('v5.6', '1080p', 9))).toMatch(/1080p only at 1-8 s/);
    expect(checkCombination(cat, create('v5.6', '720p', 11))).toMatch(/1-10 s/);
    expect(qualityOf(cat, create('v5.6', undefined, 5))).toBe('540p');
  });

  it('refuses what a model does not take: audio on v5, multi_shot off v6', () => {
    expect(checkCombination(cat, create('v5', '540p', 5, { audio: true }))).toMatch(/takes no audio/);
    expect(checkCombination(cat, create('v5.5', '540p', 5, { multiShot: true }))).toMatch(/multi_shot/);
    expect(checkCombination(cat, create('v6', '540p', 5, { multiShot: true }))).toBeNull();
  });
});

describe('defaults per endpoint', () => {
  it('follows the reference', () => {
    expect(defaultModelFor(cat, 'videos/extend')).toBe('v6');
    expect(defaultModelFor(cat, 'videos/create-frames')).toBe('v5.6');
    expect(defaultModelFor(cat, 'videos/create-fusion')).toBe('pixverse-c1');
    expect(defaultModelFor(cat, 'videos/lipsync')).toBe('v5');
    expect(defaultModelFor(cat, 'videos/restyle')).toBe('v4');
    expect(defaultModelFor(cat, 'videos/create-transition', 2)).toBe('v5.6');
    expect(defaultModelFor(cat, 'videos/create-transition', 3)).toBe('v5');
  });

  it('refuses a 3-frame transition on anything but v5', () => {
    expect(checkCombination(cat, { endpoint: 'videos/create-transition', model: 'v5.6', segments: [5, 5] })).toMatch(/v5 only/);
    expect(checkCombination(cat, { endpoint: 'videos/create-transition', segments: [5, 5] })).toBeNull();
  });
});

describe('third-party and legacy models', () => {
  it('plans a model without a published price at the stated worst case, marked as such', () => {
    const price = priceOf(cat, create('seedance-2.5', '720p', 6));
    expect(price.worstCase).toBe(true);
    expect(price.standard).toBeGreaterThanOrEqual(450); // the one known example: 720p 6 s = 450
    expect(price.offPeak).toBeNull();
    expect(checkCombination(cat, create('seedance-2.5', '720p', 6, { audio: true }))).toMatch(/always renders with audio/);
  });

  it('keeps the Aug-2025 models with their motion table, marked no longer listed', () => {
    expect(cat.models['v4.5']!.listed).toBe(false);
    expect(priceOf(cat, create('v4.5', '540p', 5, { motion: 'fast' })).standard).toBe(60);
    expect(checkCombination(cat, create('v4', '1080p', 8))).toMatch(/1080p/);
  });

  it('upscale keeps its bucket price, with no off-peak price', () => {
    expect(priceOf(cat, { endpoint: 'videos/upscale', sourceDuration: 5 })).toEqual({ standard: 30, offPeak: null });
  });
});

describe('project overrides', () => {
  it('add a model and change a price without code', () => {
    const custom = loadCatalog({
      models: {
        v7: { ...cat.models.v6, name: 'v7', price: { rule: 'per-second', perSecond: { '720p': 9 }, audioPerSecond: 1 } },
        v6: { price: { perSecond: { '540p': 5 } } },
      },
      defaultModels: { 'videos/create': 'v7' },
    });
    expect(defaultModelFor(custom, 'videos/create')).toBe('v7');
    expect(priceOf(custom, create(undefined, undefined, 10, { audio: true })).standard).toBe(100);
    expect(priceOf(custom, create('v6', '540p', 5)).standard).toBe(25);
    expect(priceOf(custom, create('v6', '720p', 5)).standard).toBe(35);
    expect(loadCatalog().models.v7).toBeUndefined();
  });
});
