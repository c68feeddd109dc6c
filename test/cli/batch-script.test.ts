/**
 * A client written from the 2026 reference the way useapi's own batch script (useapi/pixverse-api,
 * video/pixverse.mjs) works: plain fetch, POST files, POST videos/create with model v6, 15 s,
 * first_frame_path and no quality, poll GET videos/{id} every few seconds until video_status_final and
 * COMPLETED with a url, download. Against the standalone simulator only the base URL changes.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startStandalone } from './standalone.js';


interface VideoObject {
  video_status: number;
  video_status_name: string;
  video_status_final: boolean;
  url: string;
  model: string;
  quality: string;
  duration: number;
  output_width: number;
  output_height: number;
}

/** The script's loop: one image → one 15 s v6 video, as its published prompts do. */
async function batchScript(base: string, token: string, image: Buffer, prompt: string, pollMs: number) {
  const auth = { Authorization: `Bearer ${token}` };
  const uploaded = await fetch(`${base}/files`, { method: 'POST', headers: { ...auth, 'Content-Type': 'image/png' }, body: image });
  if (!uploaded.ok) throw new Error(`files: ${uploaded.status} ${await uploaded.text()}`);
  const firstFramePath = ((await uploaded.json()) as { result: { path: string }[] }).result[0]!.path;

  const created = await fetch(`${base}/videos/create`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'v6', prompt, duration: 15, first_frame_path: firstFramePath }),
  });
  if (!created.ok) throw new Error(`create: ${created.status} ${await created.text()}`);
  const { video_id, cost_credits } = (await created.json()) as { video_id: string; cost_credits?: number };

  let polls = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, pollMs));
    polls++;
    // The raw id, not percent-encoded (the reference: an encoded id answers 400).
    const res = await fetch(`${base}/videos/${video_id}`, { headers: auth });
    if (res.status === 404) continue; // still processing
    if (!res.ok) throw new Error(`poll: ${res.status} ${await res.text()}`);
    const video = (await res.json()) as VideoObject;
    if (video.video_status_final && video.video_status_name === 'COMPLETED' && video.url) {
      const media = Buffer.from(await (await fetch(video.url)).arrayBuffer());
      return { video, media, cost_credits, polls };
    }
    if (video.video_status_final) throw new Error(`ended ${video.video_status_name}`);
  }
}

describe("useapi's batch script, written from the reference", () => {
  it('renders model v6, 15 s, image-to-video without a quality, on the standalone simulator', async () => {
    const { base, token } = await startStandalone(['--port', '0', '--time-scale', '0.01']);
    const image = await readFile(new URL('../../examples/assets/hero.png', import.meta.url));
    const result = await batchScript(base, token, image, 'The camera glides over the product as morning light fills the room', 200);
    expect(result.video).toMatchObject({ model: 'v6', quality: '720p', duration: 15, video_status: 1 });
    expect(result.cost_credits).toBe(105); // 15 s × 7 credits per second at 720p
    expect(result.media.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(result.polls).toBeGreaterThan(1);
  }, 120_000);
});
