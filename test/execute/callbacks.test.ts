/**
 * The callback listener is reachable by anyone who can reach its port: a callback is only a hint, it
 * must carry the unguessable path of this run, and a flood of forged or repeated ones costs at most one
 * confirmation (GET videos/{id}) per job.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/execute/callbacks.js';
import { makeRig, manifest, ran, type Rig } from '../render/helpers.js';

let receiver: CallbackReceiver | undefined;
let rig: Rig | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await rig?.close();
  rig = undefined;
});

const finalBody = (videoId: string) => JSON.stringify({ video_id: videoId, video_status: 1, video_status_final: true });
const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => (await r.arrayBuffer(), r.status));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('callback receiver', () => {
  it('answers forged paths without a hint, and forwards each video at most once', async () => {
    const hints: string[] = [];
    receiver = await startCallbackReceiver({ onFinal: (id) => hints.push(id) });
    const url = new URL(receiver.url);
    const secret = url.pathname.split('/').pop()!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const origin = url.origin;
    // The old fixed path, a guess of the same length, a prefix, the secret in the query: all refused.
    const forged = [`${origin}/pixrender/callback`, `${origin}/pixrender/callback/${'A'.repeat(secret.length)}`, `${origin}/pixrender/callback/${secret.slice(0, -1)}`, `${origin}/?${secret}`, `${origin}/`];
    for (const f of forged) expect(await post(f, finalBody('v1')), f).toBe(404);
    expect(hints).toEqual([]);

    for (let i = 0; i < 20; i++) expect(await post(receiver.url, finalBody('v1'))).toBe(204);
    await post(receiver.url, finalBody('v2'));
    expect(hints).toEqual(['v1', 'v2']);
  });

  it('a second receiver gets another secret', async () => {
    receiver = await startCallbackReceiver({ onFinal: () => {} });
    const other = await startCallbackReceiver({ onFinal: () => {} });
    try {
      expect(new URL(other.url).pathname).not.toBe(new URL(receiver.url).pathname);
    } finally {
      await other.close();
    }
  });

  it('keeps the secret behind a public URL', async () => {
    receiver = await startCallbackReceiver({ publicUrl: 'https://hooks.example.com/render/', onFinal: () => {} });
    expect(receiver.url).toMatch(/^https:\/\/hooks\.example\.com\/render\/[A-Za-z0-9_-]{32,}$/);
  });
});

describe('a flood of forged callbacks during a render', () => {
  it('costs no confirmation beyond the job’s own', { timeout: 120_000 }, async () => {
    rig = await makeRig({ timeScale: 0.05 });
    await rig.write(manifest('  a:\n    prompt: A lighthouse at dusk\n'));
    const port = await freePort();
    let flood: Promise<number[]> | undefined;
    const { outcome } = await rig.render({
      simTimeScale: 0.05,
      callbacks: { port },
      onEvent: (e) => {
        if (e.type !== 'job' || e.state !== 'rendering' || !e.videoId || flood) return;
        const body = finalBody(e.videoId);
        const forged = Array.from({ length: 3000 }, (_, i) => `http://127.0.0.1:${port}/pixrender/callback${i % 2 ? '' : '/guess'}`);
        flood = (async () => {
          const statuses: number[] = [];
          for (let i = 0; i < forged.length; i += 100) statuses.push(...(await Promise.all(forged.slice(i, i + 100).map((u) => post(u, body).catch(() => 0)))));
          return statuses;
        })();
      },
    });
    expect(ran(outcome).summary.done).toBe(1);
    const statuses = await flood!;
    expect(statuses.filter((s) => s === 204)).toEqual([]);
    const confirmations = Object.entries(rig.sim.stats().requests)
      .filter(([route]) => route.startsWith('GET videos/{'))
      .reduce((sum, [, n]) => sum + n, 0);
    // One job: its poll, perhaps one confirmation after the genuine callback.
    expect(confirmations).toBeLessThanOrEqual(3);
  });
});
