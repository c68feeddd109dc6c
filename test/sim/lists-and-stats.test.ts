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
  test('GET videos/effects: {items} from the catalog with the documented fields, limit/offset', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const catalog = loadCatalog();
    const r = await get(sim, 'videos/effects');
    expect(r.status).toBe(200);
    expect(r.body.items.map((e: any) => e.template_id)).toEqual(catalog.effects.map((e) => e.template_id));
    const first = r.body.items[0];
    for (const key of ['display_name', 'workflow_tag', 'template_id', 'thumbnail_path', 'thumbnail_video_path', 'marker', 'created_at', 'updated_at', 'display_prompt', 'i18n_json', 'example_list', 'qualities', 'effect_type'])
      expect(first, key).toHaveProperty(key);
    expect(first).toMatchObject({ display_name: catalog.effects[0]!.display_name, effect_type: '1', qualities: catalog.effects[0]!.qualities });
    const page = await get(sim, 'videos/effects?limit=2&offset=1');
    expect(page.body.items.map((e: any) => e.template_id)).toEqual(catalog.effects.slice(1, 3).map((e) => e.template_id));
  });

  test('GET videos/voices: {data:[{speaker_id,name,gender,language}]}', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const r = await get(sim, 'videos/voices');
    expect(r.body.data).toEqual(loadCatalog().voices);
    expect(r.body.data[0]).toEqual({ speaker_id: '1001', name: expect.any(String), gender: expect.any(String), language: expect.any(String) });
  });

  test('GET videos/restyles: {items:[{restyle_id,name,prompt,thumbnail_url}]}', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const r = await get(sim, 'videos/restyles');
    expect(r.body.items.map((x: any) => x.restyle_id)).toEqual(loadCatalog().restyles.map((x) => x.restyle_id));
    expect(r.body.items[0]).toEqual({ restyle_id: 101, name: expect.any(String), prompt: expect.any(String), thumbnail_url: expect.stringContaining(sim.origin) });
  });

  test('catalog overrides change lists, validation and prices', async () => {
    sim = await startSimulator({
      timeScale: 0,
      catalog: { voices: [{ speaker_id: 'v-1', name: 'Ada', gender: 'female', language: 'en' }], models: { v6: { price: { perSecond: { '720p': 6.6 } } } } },
    });
    expect((await get(sim, 'videos/voices')).body.data).toEqual([{ speaker_id: 'v-1', name: 'Ada', gender: 'female', language: 'en' }]);
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
