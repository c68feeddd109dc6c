import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, post } from './helpers.js';

describe('simulator HTTP surface', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 0, token: 'user:4321-abcdefghijklmnopqrstuv' });
  });
  afterAll(() => sim.close());

  test('base URL ends with /v2/pixverse on 127.0.0.1', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/pixverse$/);
    expect(sim.url.startsWith(sim.origin)).toBe(true);
  });

  test('a default token has the user:<n>-<alnum> shape', async () => {
    const other = await startSimulator();
    try {
      expect(other.token).toMatch(/^user:\d+-[a-z0-9]+$/);
    } finally {
      await other.close();
    }
  });

  test.each([
    ['no token', null],
    ['wrong token', 'user:4321-wrong'],
  ])('%s → 401 with the error envelope', async (_label, token) => {
    const r = await get(sim, 'accounts', { token });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'Unauthorized', code: 401 });
  });

  test('the token must be sent whole as a Bearer token', async () => {
    const r = await call(sim, 'GET', 'accounts', undefined, { token: null, headers: { authorization: sim.token } });
    expect(r.status).toBe(401);
  });

  test('/x and /x/ are the same route', async () => {
    expect((await get(sim, 'scheduler')).status).toBe(200);
    expect((await get(sim, 'scheduler/')).status).toBe(200);
    expect((await get(sim, 'videos/')).status).toBe(200);
  });

  test('unknown endpoints are 404 with the envelope', async () => {
    const r = await get(sim, 'nothing/here');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 404 });
    expect(typeof r.body.error).toBe('string');
  });

  test.each(['videos/create-v4', 'videos/create-v3', 'videos/create/'])('generation alias %s is served', async (path) => {
    const r = await post(sim, path, { prompt: 'a lighthouse at dusk' });
    expect(r.status).toBe(200);
    expect(r.body.video_id).toMatch(/^user:4321-pixverse:render01@sim\.pixrender\.local-video:\d{15}$/);
    expect(sim.stats().submissions['videos/create']).toBeGreaterThan(0);
  });

  test('suffixed aliases of the other endpoints are routed to them', async () => {
    const created = await post(sim, 'videos/create', { prompt: 'source' });
    sim.completeJobs();
    const r = await post(sim, 'videos/extend-v3', { video_id: created.body.video_id, prompt: 'go on' });
    expect(r.status).toBe(200);
    const frames = await post(sim, 'videos/create-frames-v3', {});
    expect(frames.status).toBe(400);
    expect(frames.body.error).toMatch(/first_frame_path/);
    const restyle = await post(sim, 'videos/restyle-v4', { video_id: created.body.video_id, prompt: 'clay' });
    expect(restyle.status).toBe(200);
  });

  test('a percent-encoded video_id is 400, a raw one works', async () => {
    const { body } = await post(sim, 'videos/create', { prompt: 'encode me' });
    sim.completeJobs();
    expect((await get(sim, `videos/${body.video_id}`)).status).toBe(200);
    const encoded = await get(sim, `videos/${encodeURIComponent(body.video_id)}`);
    expect(encoded.status).toBe(400);
    expect(encoded.body.code).toBe(400);
  });

  test('a malformed video_id is 400', async () => {
    expect((await get(sim, 'videos/not-a-video-id')).status).toBe(400);
    expect((await call(sim, 'DELETE', 'scheduler/garbage')).status).toBe(400);
  });

  test('a body that is not JSON is 400', async () => {
    const r = await call(sim, 'POST', 'videos/create', undefined, { headers: { 'content-type': 'application/json' }, raw: '{nope' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/JSON/);
  });

  test('multipart/form-data bodies are accepted with the same fields', async () => {
    const form = new FormData();
    form.set('prompt', 'a paper boat in the rain');
    form.set('duration', '8');
    form.set('quality', '360p');
    form.set('off_peak_mode', 'true');
    const res = await fetch(`${sim.url}/videos/create`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}` }, body: form });
    const body = (await res.json()) as { cost_credits: number };
    expect(res.status).toBe(200);
    expect(body.cost_credits).toBe(23); // v6 8 s 360p = 32, off-peak × 0.7 = 22.4, rounded up
  });

  test('control routes need no token and stats count requests by route', async () => {
    const res = await fetch(`${sim.origin}/__sim/stats`);
    expect(res.status).toBe(200);
    const stats = (await res.json()) as any;
    expect(stats.requests['GET accounts']).toBeGreaterThanOrEqual(3);
    expect(stats.requests['GET videos/{video_id}']).toBeGreaterThanOrEqual(1);
    expect(stats.responses['401']).toBeGreaterThanOrEqual(3);
  });
});
