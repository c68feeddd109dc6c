/** `pixrender gallery`: collect → page model → index.html, written atomically beside the posters. */
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic.js';
import { collectGallery, type Collected, type CollectOptions } from './collect.js';
import { renderPage } from './html.js';
import { buildPageModel, type PageModel } from './model.js';

export type GalleryOutcome = { ok: true; index: string; model: PageModel; bytes: number } | Extract<Collected, { ok: false }>;

export async function writeGallery(manifestFile: string, options: CollectOptions = {}): Promise<GalleryOutcome> {
  const collected = await collectGallery(manifestFile, options);
  if (!collected.ok) return collected;
  const model = buildPageModel(collected.input);
  const html = renderPage(model);
  const index = join(collected.input.galleryDir, 'index.html');
  await writeFileAtomic(index, html);
  return { ok: true, index, model, bytes: Buffer.byteLength(html) };
}
