/**
 * The static gallery in headless Chromium, on a project rendered by the embedded simulator: every clip loads
 * its metadata, lineage links reach the right card, keyboard navigation, filters, the compare view, the page
 * without JavaScript, accessibility basics and the page's weight. A screenshot is kept in test-artifacts/.
 * (`watch --serve` is live.test.ts.) Skips, saying why, where no Chromium is installed; CI installs it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGallery } from '../../src/gallery/write.js';
import { runManifest } from '../../src/pipeline.js';
import { hasChromium, launch } from './browser.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

const MANIFEST = `version: 1
name: teaser
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: Slow dolly-in on a lighthouse at dusk
  night:
    extend: intro
    prompt: Night falls & the <beam> sweeps
  storm:
    prompt: A storm over the bay sim:reject
  looks:
    prompt: A lighthouse, \${look} look
    matrix:
      look: [clay, ink]
      seed: [1, 2]
post:
  - contactSheet: [intro, night, looks]
  - contactSheet: all
    output: everything.png
`;
const CLIPS = 6;

/** The page-side globals the callbacks use, typed here since the project compiles without the DOM lib. */
interface El {
  tagName: string;
  id: string;
  hidden: boolean;
  duration: number;
  open: boolean;
  labels: ArrayLike<unknown> | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  closest(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
interface Doc {
  activeElement: El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
type Win = { document: Doc; location: { hash: string } };

describe.skipIf(!hasChromium)('static gallery in Chromium', () => {
  let dir = '';
  let index = '';
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixrender-gallery-'));
    const file = join(dir, 'teaser.yaml');
    await writeFile(file, MANIFEST);
    const run = await runManifest(file, { mode: 'render', backend: 'sim', simTimeScale: 0.005 });
    expect(run.kind).toBe('ran');
    const written = await writeGallery(file);
    if (!written.ok) throw new Error(written.message);
    index = written.index;
    browser = await launch();
    context = browser.context;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const open = async (ctx: BrowserContext = context): Promise<Page> => {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(index).href);
    return page;
  };
  const activeJob = (page: Page) => page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.closest('article.card')?.dataset['job'] ?? null);
  const visibleJobs = (page: Page) => page.$$eval('main article.card', (cs) => (cs as unknown as El[]).filter((c) => !c.hidden).map((c) => c.dataset['job']!));

  it('loads every clip: each <video> has its metadata (duration > 0)', async () => {
    const page = await open();
    expect(await page.locator('main article.card').count()).toBe(CLIPS + 1);
    const durations = () => page.$$eval('main article.card > video', (vs) => (vs as unknown as El[]).map((v) => v.duration));
    await expect.poll(async () => (await durations()).filter((d) => d > 0).length, { timeout: 30_000 }).toBe(CLIPS);
    expect((await durations()).every((d) => d >= 4.9 && d <= 10.1)).toBe(true);
    // The failed job has no clip and says why.
    expect(await page.locator('article[data-job="storm"] .state').textContent()).toMatch(/^failed: moderated: .*rejected by content moderation/);
    expect(await page.locator('article[data-job="storm"] video').count()).toBe(0);
    // The post step's image, with its alt text naming what it shows.
    const sheet = page.locator('figure.post-step img');
    expect(await sheet.count()).toBe(1);
    expect(await sheet.getAttribute('alt')).toMatch(/^contact sheet of 6 clips \(intro, night, looks/);
    // The sheet of every job waits for the failed one.
    expect(await page.locator('figure.post-step').nth(1).innerText()).toMatch(/not made yet\s+everything\.png contact sheet of intro, night, storm/);
    await expect.poll(() => sheet.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    // The manifest's markup-like text is shown as text.
    expect(await page.locator('article[data-job="night"] .prompt').textContent()).toBe('Night falls & the <beam> sweeps');
    await mkdir(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'gallery.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`gallery screenshot: ${shot}`);
    await page.close();
  }, 60_000);

  it('lineage links lead to the right card, both ways', async () => {
    const page = await open();
    await page.locator('article[data-job="night"] a.lineage-link[data-target="intro"]').click();
    expect(await page.evaluate(() => (globalThis as unknown as Win).location.hash)).toBe('#job-intro');
    expect(await activeJob(page)).toBe('intro');
    expect(await page.locator('article[data-job="intro"]').evaluate((c) => (c as unknown as El).id)).toBe('job-intro');
    await page.locator('article[data-job="intro"] a.lineage-link[data-target="night"]').click();
    expect(await activeJob(page)).toBe('night');
    await page.close();
  });

  it('keyboard: j / k and the arrows move between cards, / goes to the filter and Escape clears it', async () => {
    const page = await open();
    const order = await visibleJobs(page);
    await page.keyboard.press('j');
    expect(await activeJob(page)).toBe(order[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await activeJob(page)).toBe(order[2]);
    await page.keyboard.press('k');
    expect(await activeJob(page)).toBe(order[1]);
    await page.keyboard.press('ArrowDown');
    expect(await activeJob(page)).toBe(order[2]);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.id)).toBe('q');
    await page.keyboard.type('ink');
    expect(await visibleJobs(page)).toEqual(['looks[look=ink,seed=1]', 'looks[look=ink,seed=2]']);
    await page.keyboard.press('Escape');
    expect(await visibleJobs(page)).toEqual(order);
    // With the filter on, j skips the hidden cards.
    await page.fill('#q', 'lighthouse');
    const shown = await visibleJobs(page);
    await page.locator(`article[data-job="${shown[0]}"]`).focus();
    await page.keyboard.press('j');
    expect(await activeJob(page)).toBe(shown[1]);
    await page.close();
  });

  it('filters by text and by state', async () => {
    const page = await open();
    await page.fill('#q', 'ink');
    expect(await visibleJobs(page)).toEqual(['looks[look=ink,seed=1]', 'looks[look=ink,seed=2]']);
    await page.fill('#q', 'BEAM sweeps');
    expect(await visibleJobs(page)).toEqual(['night']);
    await page.fill('#q', '');
    await page.selectOption('#state', 'failed');
    expect(await visibleJobs(page)).toEqual(['storm']);
    await page.selectOption('#state', 'cached');
    expect((await visibleJobs(page)).sort()).toEqual(['intro', 'looks[look=clay,seed=1]', 'looks[look=clay,seed=2]', 'looks[look=ink,seed=1]', 'looks[look=ink,seed=2]', 'night']);
    await page.fill('#q', 'clay');
    expect(await visibleJobs(page)).toEqual(['looks[look=clay,seed=1]', 'looks[look=clay,seed=2]']);
    await page.close();
  });

  it('compare view: two seeds of a matrix cell side by side, both playable', async () => {
    const page = await open();
    await page.locator('article[data-job="looks[look=clay,seed=1]"]').focus();
    await page.keyboard.press('c');
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.querySelector('#compare')!.open)).toBe(true);
    const pair = () => page.$$eval('#compare video', (vs) => (vs as unknown as El[]).map((v) => ({ src: v.getAttribute('src'), duration: v.duration })));
    await expect.poll(async () => (await pair()).map((v) => v.duration > 0), { timeout: 20_000 }).toEqual([true, true]);
    const [left, right] = await pair();
    expect(left!.src).toMatch(/^looks\.look-clay\.seed-1\.mp4\?v=/);
    expect(right!.src).toMatch(/^looks\.look-clay\.seed-2\.mp4\?v=/);
    // Any other clip can be picked.
    const options = await page.$$eval('#cmp-b option', (os) => (os as unknown as El[]).map((o) => o.getAttribute('value')));
    expect(options.length).toBe(CLIPS);
    await page.selectOption('#cmp-b', options.find((o) => o!.startsWith('intro.mp4'))!);
    expect((await pair())[1]!.src).toMatch(/^intro\.mp4\?v=/);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.querySelector('#compare')!.open)).toBe(false);
    // Without the dialog, the same pairs are in the page as <details>.
    expect(await page.locator('details.compare-pair summary').allTextContents()).toEqual([
      'looks[look=clay,seed=1] and looks[look=clay,seed=2]: two seeds',
      'looks[look=ink,seed=1] and looks[look=ink,seed=2]: two seeds',
    ]);
    await page.close();
  });

  it('without JavaScript: every clip, poster and piece of metadata is there; the controls that need scripts are hidden', async () => {
    const { context: noJs, close } = await launch({ javaScriptEnabled: false });
    try {
      const page = await open(noJs);
      expect(await page.locator('#filters').isVisible()).toBe(false);
      const videos = page.locator('main article.card > video');
      expect(await videos.count()).toBe(CLIPS);
      await expect.poll(() => page.$$eval('main article.card > video', (vs) => (vs as unknown as El[]).filter((v) => v.duration > 0).length), { timeout: 30_000 }).toBe(CLIPS);
      for (const poster of await page.$$eval('main article.card > video', (vs) => (vs as unknown as El[]).map((v) => v.getAttribute('poster')))) expect(poster).toMatch(/^gallery-posters\/.+\.jpg\?v=/);
      const intro = page.locator('article[data-job="intro"]');
      expect(await intro.locator('dl').innerText()).toMatch(/model[\s\S]*quality\s+360p[\s\S]*duration\s+5 s[\s\S]*credits planned[\s\S]*credits charged[\s\S]*off-peak\s+no[\s\S]*backend\s+simulator/);
      expect(await intro.locator('.sim').isVisible()).toBe(true);
      expect(await page.locator('article[data-job="storm"] .state').innerText()).toMatch(/^failed: /);
      expect(await page.locator('section.cost').innerText()).toMatch(/charged for the clips in the lock/);
      // A card is still reachable by its link.
      await page.locator('article[data-job="night"] a.lineage-link').click();
      expect(new URL(page.url()).hash).toBe('#job-intro');
      await page.close();
    } finally {
      await close();
    }
  }, 60_000);

  it('accessibility: labelled controls and clips, no image without alt text, focus in document order', async () => {
    const page = await open();
    const problems = await page.evaluate(() => {
      const d = (globalThis as unknown as Win).document;
      const all = (s: string) => Array.from(d.querySelectorAll(s));
      const named = (e: El) => !!(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.labels && e.labels.length > 0));
      return [
        ...all('input, select, textarea').filter((e) => !named(e)).map((e) => `unlabelled ${e.tagName}#${e.id}`),
        ...all('video').filter((e) => !e.closest('dialog') && !e.getAttribute('aria-label')).map((e) => `video without a label in ${e.closest('article')?.id}`),
        ...all('img').filter((e) => e.getAttribute('alt') === null).map((e) => `img without alt: ${e.getAttribute('src')}`),
        ...all('[role="img"]').filter((e) => !e.getAttribute('aria-label')).map((e) => `role=img without a label: ${e.id}`),
        ...all('[tabindex]').filter((e) => Number(e.getAttribute('tabindex')) > 0).map((e) => `positive tabindex on ${e.tagName}#${e.id}`),
        ...all('article.card').filter((e) => !d.querySelector(`#${e.getAttribute('aria-labelledby')}`)).map((e) => `card ${e.id} names a missing heading`),
      ];
    });
    expect(problems).toEqual([]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Tab walks the cards in the order they are on the page.
    const cards = await page.$$eval('main article.card', (cs) => (cs as unknown as El[]).map((c) => c.id));
    await page.locator('#state').focus();
    const seen: string[] = [];
    for (let i = 0; i < 120 && seen.length < cards.length; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => {
        const a = (globalThis as unknown as Win).document.activeElement;
        return a && a.tagName === 'ARTICLE' ? a.id : null;
      });
      if (id && !seen.includes(id)) seen.push(id);
    }
    expect(seen).toEqual(cards);
    await page.close();
  }, 60_000);

  it('weighs under 200 kB without media, and loads nothing but itself and media', async () => {
    const html = await readFile(index);
    expect(html.byteLength).toBeLessThan(200 * 1024);
    const page = await context.newPage();
    const other: string[] = [];
    page.on('request', (r) => {
      if (!['media', 'image', 'document'].includes(r.resourceType())) other.push(`${r.resourceType()} ${r.url()}`);
    });
    await page.goto(pathToFileURL(index).href);
    await page.waitForLoadState('load');
    expect(other).toEqual([]);
    await page.close();
  });
});
