import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, get, ManualClock, PNG_1x1, post } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('accounts', () => {
  test('GET accounts lists every account keyed by email, secrets masked', async () => {
    sim = await startSimulator({ accounts: 2, maxJobs: 3, timeScale: 0 });
    const r = await get(sim, 'accounts');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['render01@sim.pixrender.local', 'render02@sim.pixrender.local']);
    const a = r.body['render01@sim.pixrender.local'];
    expect(a).toMatchObject({ email: 'render01@sim.pixrender.local', password: '…secured…', maxJobs: 3 });
    expect(a.jwt).toMatchObject({ Username: 'render01', token: expect.stringContaining('secured') });
    expect(typeof a.jwt.AccountId).toBe('number');
  });

  test('GET accounts/{email} returns one, 404 for an unknown one; the email may be percent-encoded', async () => {
    sim = await startSimulator({ timeScale: 0 });
    expect((await get(sim, 'accounts/render01@sim.pixrender.local')).body.maxJobs).toBe(5);
    expect((await get(sim, 'accounts/render01%40sim.pixrender.local')).status).toBe(200);
    const missing = await get(sim, 'accounts/nobody@example.com');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(404);
  });

  test('POST accounts/{email} creates (201) and updates; bad bodies are 400', async () => {
    sim = await startSimulator({ accounts: [{ email: 'a@example.com', credits: 100 }], timeScale: 0 });
    const created = await post(sim, 'accounts/b@example.com', { email: 'b@example.com', password: 'pw', maxJobs: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'b@example.com', maxJobs: 2, password: '…secured…' });
    expect(JSON.stringify(created.body)).not.toContain('"pw"');
    const updated = await post(sim, 'accounts/b@example.com', { email: 'b@example.com', password: 'pw2', maxJobs: 7 });
    expect(updated.body.maxJobs).toBe(7);
    expect(Object.keys((await get(sim, 'accounts')).body)).toEqual(['a@example.com', 'b@example.com']);

    for (const bad of [
      { email: 'b@example.com', password: 'pw' },
      { email: 'b@example.com', password: 'pw', maxJobs: 9 },
      { email: 'b@example.com', password: 'pw', maxJobs: 0 },
      { email: 'b@example.com', maxJobs: 2 },
      { email: 'other@example.com', password: 'pw', maxJobs: 2 },
    ]) {
      const r = await post(sim, 'accounts/b@example.com', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.code).toBe(400);
    }
  });

  test('DELETE accounts/{email} → 204, then 404; with no account GET accounts is 404', async () => {
    sim = await startSimulator({ timeScale: 0 });
    expect((await call(sim, 'DELETE', 'accounts/render01@sim.pixrender.local')).status).toBe(204);
    expect((await call(sim, 'DELETE', 'accounts/render01@sim.pixrender.local')).status).toBe(404);
    expect((await get(sim, 'accounts')).status).toBe(404);
  });

  test('GET features reports balances and plan concurrency', async () => {
    sim = await startSimulator({ credits: 1234, timeScale: 0 });
    const r = await get(sim, 'features');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ credit_daily: 0, credit_monthly: 1234, credit_package: 0, gen_simultaneously: 8, plan_name: 'Premium Plan' });
    sim.addCredits(500);
    expect((await get(sim, 'features')).body.credit_package).toBe(500);
  });

  test('GET features reports the plan factors (off_peak_discount, preview_mode_discount), and they price the jobs', async () => {
    sim = await startSimulator({ offPeakDiscount: 0.6, previewDiscount: 0.9, timeScale: 0 });
    const f = await get(sim, 'features');
    expect(f.body).toMatchObject({ off_peak: 1, off_peak_discount: '0.6', preview_mode: 1, preview_mode_discount: '0.9' });
    const r = await post(sim, 'videos/create', { prompt: 'x', quality: '540p', off_peak_mode: true });
    expect(r.body.cost_credits).toBe(18); // 30 × 0.6
    expect((await post(sim, 'videos/create', { prompt: 'x', quality: '540p', preview_mode: true })).body.cost_credits).toBe(27); // 30 × 0.9
    const plain = await startSimulator({ offPeakFeatureFields: false, timeScale: 0 });
    try {
      expect((await get(plain, 'features')).body).not.toHaveProperty('off_peak_discount');
      expect((await get(plain, 'features')).body).not.toHaveProperty('preview_mode_discount');
    } finally {
      await plain.close();
    }
  });

  test('with several accounts, list and info endpoints need email (400 without it)', async () => {
    sim = await startSimulator({ accounts: 2, timeScale: 0 });
    for (const path of ['features', 'videos', 'videos/effects', 'videos/voices', 'videos/restyles']) {
      const r = await get(sim, path);
      expect(r.status, path).toBe(400);
      expect(r.body.error).toMatch(/email/);
      expect((await get(sim, `${path}?email=render02@sim.pixrender.local`)).status, path).toBe(200);
    }
    const upload = await call(sim, 'POST', 'files', undefined, { headers: { 'content-type': 'image/png' }, raw: PNG_1x1 });
    expect(upload.status).toBe(400);
    expect((await get(sim, 'features?email=nobody@example.com')).status).toBe(400);
  });

  test('generation without email spreads jobs over accounts with a free slot (seeded)', async () => {
    const emailsFor = async (seed: number) => {
      const s = await startSimulator({ accounts: 3, maxJobs: 8, seed, clock: new ManualClock() });
      try {
        const emails: string[] = [];
        for (let i = 0; i < 12; i++) emails.push((await post(s, 'videos/create', { prompt: `shot ${i}` })).body.video_id.split('-pixverse:')[1].split('-video:')[0]);
        return emails;
      } finally {
        await s.close();
      }
    };
    const first = await emailsFor(7);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await emailsFor(7)).toEqual(first);
  });

  test('an explicit email that is not configured is 400', async () => {
    sim = await startSimulator({ timeScale: 0 });
    const r = await post(sim, 'videos/create', { prompt: 'x', email: 'nobody@example.com' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/nobody@example.com/);
  });
});
