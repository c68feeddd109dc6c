import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { SimStateError } from '../../src/sim/persistence.js';
import { get, ManualClock, post, PNG_1x1, tempDir, upload } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.cleanup());

describe('state file', () => {
  test('a second simulator process continues with the same token, balances, jobs and uploads', async () => {
    const clock = new ManualClock();
    const stateFile = join(dir.path, 'state', 'simulator.json');
    const first = await startSimulator({ clock, stateFile, credits: 1000 });
    const image = await upload(first, PNG_1x1, 'image/png');
    const done = (await post(first, 'videos/create', { prompt: 'finished', first_frame_path: image })).body.video_id;
    first.completeJobs();
    const running = (await post(first, 'videos/create', { prompt: 'still running', quality: '720p', replyRef: 'r-9' })).body.video_id;
    await first.close();
    expect(JSON.parse(await readFile(stateFile, 'utf8')).jobs).toHaveLength(2);

    const second = await startSimulator({ clock, stateFile, credits: 1000 });
    try {
      expect(second.token).toBe(first.token);
      expect((await get(second, 'features')).body.credit_monthly).toBe(1000 - 30 - 40);
      expect((await get(second, `videos/${done}`)).body).toMatchObject({ video_status: 1, prompt: 'finished' });
      expect((await get(second, `videos/${running}`)).status).toBe(404);
      expect((await get(second, 'scheduler')).body).toEqual([expect.objectContaining({ id: running, replyRef: 'r-9' })]);
      expect((await get(second, 'scheduler/available')).body.available[0].executing).toBe(1);

      const reused = await post(second, 'videos/create', { prompt: 'again', first_frame_path: image });
      expect(reused.status).toBe(200);
      expect([done, running]).not.toContain(reused.body.video_id);
      const served = await fetch(`${second.origin}/media/${image}`);
      expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1x1)).toBe(true);

      await clock.advance(5_000 + 12 * 5 * 1000);
      expect((await get(second, `videos/${running}`)).body.video_status).toBe(1);
    } finally {
      await second.close();
    }
  });

  test('a job that should have ended while no simulator ran ends on load', async () => {
    const clock = new ManualClock();
    const stateFile = join(dir.path, 'sim.json');
    const first = await startSimulator({ clock, stateFile });
    const id = (await post(first, 'videos/create', { prompt: 'p' })).body.video_id;
    await first.close();
    await clock.advance(3_600_000);
    const second = await startSimulator({ clock, stateFile });
    try {
      await clock.advance(0);
      expect((await get(second, `videos/${id}`)).body.video_status).toBe(1);
      expect((await get(second, 'scheduler/available')).body.available[0].executing).toBe(0);
    } finally {
      await second.close();
    }
  });

  test.each([
    ['not JSON', '{ not json'],
    ['JSON of another shape', '{"version":1,"token":5,"accounts":"none"}'],
    ['another version', '{"version":99,"token":"t","nextVideo":1,"accounts":[],"jobs":[],"uploads":[]}'],
    ['not an object', '[1,2,3]'],
  ])('a state file that is %s is refused and left as it is', async (_what, text) => {
    const stateFile = join(dir.path, 'broken.json');
    await writeFile(stateFile, text);
    await expect(startSimulator({ stateFile, timeScale: 0 })).rejects.toThrow(SimStateError);
    expect(await readFile(stateFile, 'utf8')).toBe(text);
  });
});
