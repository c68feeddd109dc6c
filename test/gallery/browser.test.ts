/**
 * The gallery in headless Chromium: a rendered project's static page (every clip loads its metadata,
 * lineage links reach the right card), and `watch --serve` showing a new clip after a prompt edit without
 * a reload. Skips, saying why, where no Chromium is installed; CI installs it (.ci/run).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGallery } from '../../src/gallery/write.js';
import { runManifest } from '../../src/pipeline.js';
import { hasChromium, launch } from './browser.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const TIME_SCALE = 0.005;

const manifest = (prompt: string) => `version: 1
name: teaser
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: ${prompt}
  night:
    extend: intro
    prompt: Night falls & the <beam> sweeps
  looks:
    prompt: A lighthouse, \${look} look
    matrix:
      look: [clay, ink]
      seed: [1, 2]
`;

const project = async (yaml: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-gallery-'));
  const file = join(dir, 'teaser.yaml');
  await writeFile(file, yaml);
  return { dir, file };
};

describe('gallery in Chromium', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)('shows every clip with its metadata loaded, and lineage links lead to the right card', async () => {
    const p = await project(manifest('Slow dolly-in on a lighthouse at dusk'));
    dir = p.dir;
    const run = await runManifest(p.file, { mode: 'render', backend: 'sim', simTimeScale: TIME_SCALE });
    expect(run.kind).toBe('ran');
    const written = await writeGallery(p.file);
    if (!written.ok) throw new Error(written.message);
    const { context, close } = await launch();
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(written.index).href);
      const cards = page.locator('main article.card');
      await expect.poll(() => cards.count()).toBe(6);
      // Every card's clip loads: its duration comes from the file itself.
      await expect
        .poll(() => page.$$eval('main article.card > video', (vs) => vs.map((v) => (v as unknown as { duration: number }).duration)), { timeout: 20_000 })
        .toEqual(Array(6).fill(expect.any(Number)));
      const durations = await page.$$eval('main article.card > video', (vs) => vs.map((v) => (v as unknown as { duration: number }).duration));
      expect(durations.every((d) => d > 0)).toBe(true);
      // The manifest's markup-like text is shown as text.
      await expect.poll(() => page.locator('article[data-job="night"] .prompt').textContent()).toBe('Night falls & the <beam> sweeps');
      await page.locator('article[data-job="night"] a.lineage-link[data-target="intro"]').click();
      const focused = await page.evaluate(() => {
        const g = globalThis as unknown as { location: { hash: string }; document: { activeElement: { dataset: { job?: string } } } };
        return { hash: g.location.hash, job: g.document.activeElement.dataset.job };
      });
      expect(focused).toEqual({ hash: '#job-intro', job: 'intro' });
      await page.locator('a.lineage-link[data-target="night"]').click();
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset: { job?: string } } } }).document.activeElement.dataset.job)).toBe('night');
      // Filtering by text leaves the matching cards.
      await page.fill('#q', 'ink');
      expect(await page.locator('main article.card:visible').count()).toBe(2);
      await page.fill('#q', '');
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'gallery.png'), fullPage: true });
    } finally {
      await close();
    }
  }, 90_000);
});
