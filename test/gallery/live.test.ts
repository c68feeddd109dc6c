/**
 * `watch --serve` in headless Chromium: the wiring of the watch command (a watch session feeding the gallery
 * server) on a real temp project, real chokidar and the embedded simulator. A prompt edit must show the new
 * clip in the open page without a reload, and a rejected prompt must show the API's reason.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGalleryServer, type GalleryServer } from '../../src/gallery/server.js';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { Recorder, tempProject } from '../watch/helpers.js';
import { hasChromium, launch } from './browser.js';

const manifest = (prompt: string) => `version: 1
name: live
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: ${prompt}
  night:
    extend: intro
    prompt: Night falls over the bay
  pour:
    prompt: Coffee pouring into a white cup
`;

interface VideoInfo {
  job: string;
  version: string | null;
  src: string | null;
  duration: number;
  prompt: string | null;
  state: string | null;
}
type PageWindow = { __loaded?: number; document: { querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<Element> } };
interface Element {
  getAttribute(n: string): string | null;
  querySelector(s: string): (Element & { duration?: number; textContent: string | null }) | null;
}

describe('watch --serve in Chromium', () => {
  let session: WatchSession | undefined;
  let gallery: GalleryServer | undefined;
  let project: Awaited<ReturnType<typeof tempProject>> | undefined;
  afterEach(async () => {
    await session?.stop();
    await gallery?.close();
    await project?.cleanup();
  });

  it.skipIf(!hasChromium)('a prompt edit shows the new clip without a reload; a rejected prompt shows why', async () => {
    project = await tempProject({ 'live.yaml': manifest('A lighthouse at dusk') });
    const file = join(project.dir, 'live.yaml');
    const events = new Recorder();
    gallery = await startGalleryServer(file);
    const g = gallery;
    session = await startWatch(file, {
      backend: 'sim',
      simTimeScale: 0.01,
      debounceMs: 50,
      onEvent: (e) => {
        events.sink(e);
        g.onEvent(e);
      },
    });
    await events.next('idle', 0, () => true, 60_000);
    await gallery.settled();

    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      const broken: string[] = [];
      page.on('response', (r) => void (r.status() >= 400 && broken.push(`${r.status()} ${r.url()}`)));
      page.on('console', (m) => void (m.type() === 'error' && broken.push(m.text())));
      page.on('pageerror', (e) => broken.push(e.message));
      await page.goto(gallery.url);
      const cards = () =>
        page.evaluate(() => {
          const w = globalThis as unknown as PageWindow;
          return Array.from(w.document.querySelectorAll('main article.card')).map((c): VideoInfo => {
            const v = c.querySelector(':scope > video');
            return {
              job: c.getAttribute('data-job')!,
              version: v?.getAttribute('data-version') ?? null,
              src: v?.getAttribute('src') ?? null,
              duration: v?.duration ?? 0,
              prompt: c.querySelector('.prompt')?.textContent ?? null,
              state: c.getAttribute('data-state'),
            };
          });
        });
      const byJob = async () => new Map((await cards()).map((c) => [c.job, c]));
      await expect.poll(async () => (await cards()).map((c) => c.duration > 0), { timeout: 30_000 }).toEqual([true, true, true]);
      const before = await byJob();
      // Set once; a reload would lose it. The observer notes every state a card is shown in.
      await page.evaluate(() => {
        const w = globalThis as unknown as PageWindow & { __seen: string[]; MutationObserver: new (f: () => void) => { observe(n: unknown, o: unknown): void } };
        w.__loaded = 1;
        w.__seen = [];
        const note = () => {
          for (const c of Array.from(w.document.querySelectorAll('main article.card'))) {
            const seen = `${c.getAttribute('data-job')}:${c.getAttribute('data-state')}`;
            if (!w.__seen.includes(seen)) w.__seen.push(seen);
          }
        };
        new w.MutationObserver(note).observe(w.document.querySelector('main'), { childList: true, subtree: true });
      });

      let mark = events.mark();
      await writeFile(file, manifest('A lighthouse at dawn, fog rolling in'));
      await events.next('idle', mark, () => true, 60_000);
      await expect.poll(async () => (await byJob()).get('intro')?.prompt, { timeout: 30_000 }).toBe('A lighthouse at dawn, fog rolling in');
      // The edited job and its dependent are new renders with new clips; the untouched job keeps its clip.
      await expect
        .poll(async () => {
          const now = await byJob();
          return ['intro', 'night', 'pour'].map((j) => now.get(j)!.src !== before.get(j)!.src && now.get(j)!.version !== before.get(j)!.version);
        }, { timeout: 30_000 })
        .toEqual([true, true, false]);
      await expect.poll(async () => [...(await byJob()).values()].map((c) => c.state === 'cached' && c.duration > 0), { timeout: 30_000 }).toEqual([true, true, true]);
      // On the way, the edited job was shown as stale or rendering (the save, then the run), never only at the end.
      const seen = await page.evaluate(() => (globalThis as unknown as { __seen: string[] }).__seen);
      expect(seen.filter((x) => /^intro:(stale|rendering)$/.test(x)).length, seen.join(' ')).toBeGreaterThan(0);

      mark = events.mark();
      await writeFile(file, manifest('A lighthouse sim:reject'));
      await events.next('idle', mark, () => true, 60_000);
      await expect.poll(async () => (await byJob()).get('intro')?.state, { timeout: 30_000 }).toBe('failed');
      const failed = await page.locator('article[data-job="intro"] .state').textContent();
      expect(failed).toMatch(/^failed: .*rejected by content moderation/);
      expect(await page.evaluate(() => (globalThis as unknown as PageWindow).__loaded)).toBe(1);
      expect(broken).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
