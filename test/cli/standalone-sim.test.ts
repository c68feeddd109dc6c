/**
 * The standalone simulator as a user runs it (`pixrender sim` in its own process), driven by a client
 * written the way useapi's own batch script talks to the real API: only the base URL differs.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startStandalone } from './standalone.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));


describe('standalone simulator with a real-API style client', () => {
  it('creates, polls (404 while processing) and downloads a real MP4', async () => {
    const { base, token } = await startStandalone(['--port', '0', '--token', 'user:42-abcdefghij', '--time-scale', '0.01', '--max-jobs', '2']);
    expect(token).toBe('user:42-abcdefghij');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

    const created = await fetch(`${base}/videos/create-v4`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: 'A paper boat on a rainy street', model: 'v4.5', quality: '540p', duration: 5, replyRef: 'shot-1' }),
    });
    expect(created.status).toBe(200);
    const { video_id } = (await created.json()) as { video_id: string };
    expect(video_id).toMatch(/^user:42-pixverse:.+@.+-video:\d{15}$/);

    const statuses: number[] = [];
    let video: { video_status: number; url: string; output_width: number; output_height: number } | undefined;
    for (let i = 0; i < 400 && !video; i++) {
      const res = await fetch(`${base}/videos/${video_id}`, { headers });
      statuses.push(res.status);
      if (res.status === 200) video = (await res.json()) as typeof video;
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(statuses[0]).toBe(404);
    expect(video).toMatchObject({ video_status: 1, output_width: 960, output_height: 540 });

    const media = await fetch(video!.url);
    expect(media.status).toBe(200);
    const bytes = Buffer.from(await media.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(bytes.length).toBe(Number(media.headers.get('content-length')));

    // Beyond maxJobs, simultaneous creates get exactly the surplus as 429.
    const burst = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        fetch(`${base}/videos/create`, { method: 'POST', headers, body: JSON.stringify({ prompt: `burst ${i}`, model: 'v4.5' }) }).then((r) => r.status),
      ),
    );
    expect(burst.filter((s) => s === 429)).toHaveLength(3);
    expect(burst.filter((s) => s === 200)).toHaveLength(2);

    const unauthorized = await fetch(`${base}/videos`, { headers: { Authorization: 'Bearer wrong' } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: 'Unauthorized', code: 401 });
  });
});

describe('pixrender render --api-url at a standalone simulator', () => {
  it('reads its identity: polling paced by its time scale without --time-scale, renders recorded as simulated, re-rendered by a real token', async () => {
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { execFile } = await import('node:child_process');
    const { base, token } = await startStandalone(['--port', '0', '--time-scale', '0.01', '--max-jobs', '4']);
    const dir = await mkdtemp(join(tmpdir(), 'pixrender-standalone-'));
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    try {
      await writeFile(join(dir, 'shots.yaml'), 'version: 1\njobs:\n  a: { prompt: "a paper boat" }\n  b: { prompt: "a red kite" }\n');
      const started = Date.now();
      const rendered = await run(['render', 'shots.yaml', '--api-url', base, '--plain'], { USEAPI_TOKEN: token });
      expect(rendered.stderr).toContain(`Rendering on the simulator at ${base} (time scale 0.01)`);
      expect(rendered.code).toBe(0);
      // At the real API's pace (first look ~45 s, then every 10 s) this would take a minute or more.
      expect(Date.now() - started).toBeLessThan(30_000);
      const lock = JSON.parse(await readFile(join(dir, 'shots.yaml.lock'), 'utf8'));
      expect(Object.values(lock.jobs).map((e: any) => e.backend)).toEqual(['sim', 'sim']);
      // A run with a real token (no --api-url: the real API) would render them again.
      const plan = await run(['plan', 'shots.yaml', '--json'], { USEAPI_TOKEN: 'user:1-realtoken' });
      const jobs = JSON.parse(plan.stdout).jobs;
      expect(jobs.map((j: any) => [j.id, j.action, j.reason])).toEqual([
        ['a', 'stale', 'rendered on the simulator'],
        ['b', 'stale', 'rendered on the simulator'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

