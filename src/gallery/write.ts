/**
 * `pixrender gallery`: collect → page model → index.html, written atomically beside the posters. An
 * index.html is replaced only when it is pixrender's: absent, or still hashing to the sha256 recorded
 * when pixrender wrote it (.pixrender/<manifest>.written.json). A user's page (in `--out DIR`, or in an
 * output folder that is `.`) or one edited since is refused with a `gallery-overwrites` diagnostic.
 */
import { lstat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { sha256File } from '../hash.js';
import { writeFileAtomic } from '../state/atomic.js';
import { nodeStateFs } from '../state/fs.js';
import { readWritten, recordWritten } from '../state/written.js';
import { collectGallery, galleryRoots, type Collected, type CollectOptions } from './collect.js';
import { renderPage } from './html.js';
import { buildPageModel, type PageModel } from './model.js';

export type GalleryOutcome = { ok: true; index: string; model: PageModel; bytes: number } | Extract<Collected, { ok: false }>;

export const INDEX_FILE = 'index.html';

/** Why `index` is not pixrender's to replace, or undefined. */
async function indexProblem(manifestFile: string, index: string): Promise<Diagnostic | undefined> {
  const stat = await lstat(index).catch(() => undefined);
  if (!stat) return undefined;
  const recorded = (await readWritten(manifestFile)).get(index)?.sha256;
  const ours = stat.isFile() && recorded !== undefined && (await sha256File(index)) === recorded;
  if (ours) return undefined;
  const shown = relative(process.cwd(), index) || index;
  const why = stat.isSymbolicLink() ? 'is a symbolic link' : !stat.isFile() ? 'is not a file' : recorded === undefined ? 'was not written by pixrender' : 'was changed since pixrender wrote it';
  return {
    severity: 'error',
    code: 'gallery-overwrites',
    message: `${shown} ${why}: the gallery does not replace it; write the gallery elsewhere with --out DIR, or move the file away`,
  };
}

export async function writeGallery(manifestFile: string, options: CollectOptions = {}): Promise<GalleryOutcome> {
  const collected = await collectGallery(manifestFile, { ...options, beforeWrite: (dir) => indexProblem(manifestFile, join(dir, INDEX_FILE)) });
  if (!collected.ok) return collected;
  const model = buildPageModel(collected.input);
  const html = renderPage(model);
  const index = join(collected.input.galleryDir, INDEX_FILE);
  // Checked again right before the write: a page that appeared meanwhile is not replaced either.
  const refused = await indexProblem(manifestFile, index);
  if (refused) return { ok: false, errors: 1, message: refused.message, diagnostics: [refused], sources: collected.loaded.sources };
  await writeFileAtomic(index, html, nodeStateFs, galleryRoots(collected.loaded.graph.manifest, options.out));
  await recordWritten(manifestFile, index, { sha256: await sha256File(index), kind: 'gallery' });
  return { ok: true, index, model, bytes: Buffer.byteLength(html) };
}
