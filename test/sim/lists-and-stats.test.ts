import { afterEach, describe, expect, test } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, ManualClock, post } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('catalog lists', () => {
  test('GET videos/effects: hundreds of templates with today\'s fields, the catalog\'s well-known ones first; limit/offset pages', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const catalog = loadCatalog();
    const r = await get(sim, 'videos/effects');
    expect(r.status).toBe(200);
    const items: any[] = r.body.items;
    expect(items.length).toBeGreaterThanOrEqual(300);
    expect(items.slice(0, catalog.effects.length).map((e) => e.template_id)).toEqual(catalog.effects.map((e) => e.template_id));
    expect(new Set(items.map((e) => e.template_id)).size).toBe(items.length);
    expect(new Set(items.map((e) => e.display_name.toLowerCase())).size).toBe(items.length);
    for (const key of ['template_id', 'display_name', 'workflow_tag', 'display_prompt', 'effect_type', 'template_type', 'duration', 'qualities', 'video_base_cost', 'fixed_cost', 'example_text', 'thumbnail_path', 'thumbnail_video_path'])
      expect(items[0], key).toHaveProperty(key);
    expect(items[0]).toMatchObject({ display_name: catalog.effects[0]!.display_name, effect_type: '1', qualities: catalog.effects[0]!.qualities });
    // Every image count of today's list occurs, and prices vary.
    expect(new Set(items.map((e) => e.effect_type))).toEqual(new Set(['1', '2', '3', '4', '5']));
    expect(new Set(items.map((e) => e.video_base_cost + e.fixed_cost)).size).toBeGreaterThan(5);
    const page = await get(sim, 'videos/effects?limit=2&offset=1');
    expect(page.body.items.map((e: any) => e.template_id)).toEqual(items.slice(1, 3).map((e) => e.template_id));
    // The same seed serves the same list in another simulator.
    const other = await startSimulator({ timeScale: 0 });
    try {
      expect((await get(other, 'videos/effects')).body.items.map((e: any) => [e.template_id, e.display_name])).toEqual(items.map((e) => [e.template_id, e.display_name]));
    } finally {
      await other.close();
    }
  });

  test('GET videos/voices: {tts_list:[{speaker_id,display_name,url}]}, speaker_id a string', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const r = await get(sim, 'videos/voices');
    expect(r.body.tts_list.slice(0, loadCatalog().voices.length).map((v: any) => v.speaker_id)).toEqual(loadCatalog().voices.map((v) => v.speaker_id));
    expect(r.body.tts_list[0]).toEqual({ speaker_id: '1001', display_name: 'Emma', url: expect.any(String) });
  });

  test('GET videos/restyles: {items:[{restyle_id,display_name,prompt,thumbnail_path}]}', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const r = await get(sim, 'videos/restyles');
    expect(r.body.items.slice(0, 6).map((x: any) => x.restyle_id)).toEqual(loadCatalog().restyles.map((x) => x.restyle_id));
    expect(r.body.items.some((x: any) => x.restyle_id === 322876019426368 && x.display_name === 'Ghibli')).toBe(true);
    expect(r.body.items[0]).toEqual({ restyle_id: 101, display_name: 'anime', prompt: expect.any(String), thumbnail_path: expect.any(String) });
  });

  test('catalog overrides change lists, validation and prices', async () => {
    sim = await startSimulator({
      timeScale: 0,
      catalog: { voices: [{ speaker_id: 'v-1', name: 'Ada', gender: 'female', language: 'en' }], models: { v6: { price: { perSecond: { '720p': 6.6 } } } } },
    });
    const voices = (await get(sim, 'videos/voices')).body.tts_list;
    expect(voices[0]).toMatchObject({ speaker_id: 'v-1', display_name: 'Ada' });
    expect(voices.some((v: any) => v.speaker_id === '1001')).toBe(false);
    expect((await post(sim, 'videos/create', { prompt: 'p', lip_sync_tts_speaker_id: '1001' })).status).toBe(400);
    expect((await post(sim, 'videos/create', { prompt: 'p', lip_sync_tts_speaker_id: 'v-1' })).body.cost_credits).toBe(33);
  });
});

describe('stats', () => {
  test('report submissions, requests, 429s, 412s, credits, max concurrency per account and the submitted jobs', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({ clock, accounts: [{ email: 'a@example.com', maxJobs: 2, credits: 100 }] });
    await post(sim, 'videos/create', { prompt: 'p', quality: '540p', replyRef: 'r-1' }); // 30
    await post(sim, 'videos/create', { prompt: 'p', quality: '540p', off_peak_mode: true }); // 21
    await post(sim, 'videos/create', { prompt: 'p' }); // 429
    await clock.advance(3_700_000);
    await post(sim, 'videos/create', { prompt: 'p', quality: '720p' }); // 35 → 86 spent
    await post(sim, 'videos/create', { prompt: 'p' }); // 412: 14 left
    await call(sim, 'GET', 'scheduler');

    const s = sim.stats();
    expect(s.submissions).toEqual({ 'videos/create': 3 });
    expect(s.requests).toEqual({ 'POST videos/create': 5, 'GET scheduler': 1 });
    expect(s).toMatchObject({ sent429: 1, sent412: 1, creditsSpent: 86 });
    expect(s.accounts['a@example.com']).toEqual({ maxJobs: 2, executing: 1, maxConcurrent: 2, credits: 14 });
    expect(s.jobs).toEqual([
      { video_id: expect.any(String), endpoint: 'videos/create', replyRef: 'r-1', email: 'a@example.com', offPeak: false, credits: 30, status: 1, status_name: 'COMPLETED', submittedAt: '2025-08-30T10:00:00.000Z' },
      expect.objectContaining({ offPeak: true, credits: 21, status: 1 }),
      expect.objectContaining({ offPeak: false, credits: 35, status: 5 }),
    ]);
    const overHttp = await (await fetch(`${sim.origin}/__sim/stats`)).json();
    expect(overHttp).toEqual(sim.stats());
  });

  test('a snapshot is a copy', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const snapshot = sim.stats();
    snapshot.requests.x = 5;
    expect(sim.stats().requests.x).toBeUndefined();
  });
});
