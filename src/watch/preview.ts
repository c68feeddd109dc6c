/**
 * `watch --preview`: every save renders cheaply (360p, 5 s, where the catalog allows it), and preview
 * renders live apart from the real ones — their own lock and journal under .pixrender/preview/, their
 * outputs under <output dir>/preview/ — so turning preview off never finds a preview clip recorded as the
 * real render. Settings are forced after the whole defaults cascade, so they win over every layer.
 */
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkCombination, type Catalog } from '../catalog.js';
import type { PostStep, ResolvedJob, ResolvedManifest } from '../model.js';

export const PREVIEW_QUALITY = '360p';
export const PREVIEW_DURATION = 5;
export const PREVIEW_DIR = 'preview';

/** The preview namespace's lock file and state folder (journal, run lock). */
export function previewState(manifestFile: string): { stateDir: string; lockFile: string } {
  const manifest = resolve(manifestFile);
  const stateDir = join(dirname(manifest), '.pixrender', PREVIEW_DIR);
  return { stateDir, lockFile: join(stateDir, `${basename(manifest)}.lock`) };
}

/** The manifest as it renders in preview: cheap settings, outputs in the preview folder. */
export function previewManifest(manifest: ResolvedManifest, catalog: Catalog): ResolvedManifest {
  const manifestDir = dirname(manifest.file);
  const move = (output: string) => previewOutput(output, manifestDir, manifest.outputDir);
  return {
    ...manifest,
    jobs: manifest.jobs.map((job) => ({ ...job, params: previewParams(job, catalog), output: move(job.output) })),
    post: manifest.post.map((step): PostStep => ({ ...step, output: move(step.output) })),
    outputDir: join(manifest.outputDir, PREVIEW_DIR),
  };
}

/** `renders/teaser/intro.mp4` → `renders/teaser/preview/intro.mp4`; outputs outside the output folder go under .pixrender/preview/out/. */
export function previewOutput(output: string, manifestDir: string, outputDir: string): string {
  const absolute = resolve(manifestDir, output);
  const inside = relative(outputDir, absolute);
  const target =
    inside && !inside.startsWith('..') && !isAbsolute(inside)
      ? join(outputDir, PREVIEW_DIR, inside)
      : join(manifestDir, '.pixrender', PREVIEW_DIR, 'out', output);
  return relative(manifestDir, target).split(sep).join('/');
}

const SEGMENT_DURATION = /^duration_\d+_to_\d+$/;

/**
 * Lowers quality toward 360p and duration toward 5 s (each segment's, for transitions), taking the first
 * combination the catalog accepts for this model, motion and effect — never above the job's own setting.
 * A job the catalog allows no cheaper combination for keeps its settings.
 */
export function previewParams(job: ResolvedJob, catalog: Catalog): ResolvedJob['params'] {
  const params = job.params;
  const segments = Object.keys(params).filter((k) => SEGMENT_DURATION.test(k));
  const hasQuality = typeof params.quality === 'string';
  const hasDuration = typeof params.duration === 'number' || segments.length > 0;
  if (!hasQuality && !hasDuration) return params;

  const model = typeof params.model === 'string' ? params.model : undefined;
  const spec = model ? catalog.models[model] : catalog.models[catalog.defaultModel];
  // The template's qualities as the API's list gave them when the manifest was resolved.
  const effect = job.templates?.effect ?? (params.template_id !== undefined ? catalog.effects.find((e) => e.template_id === params.template_id) : undefined);
  const ownQuality = hasQuality ? String(params.quality) : undefined;
  const ownDurations = typeof params.duration === 'number' ? [params.duration] : segments.map((k) => Number(params[k]));
  const ownDuration = ownDurations.length ? Math.max(...ownDurations) : undefined;

  const qualities = ownQuality === undefined ? [undefined] : cheaperFirst([PREVIEW_QUALITY, ...(spec?.qualities ?? [])], ownQuality, qualityRank);
  const durations = ownDuration === undefined ? [undefined] : cheaperFirst([PREVIEW_DURATION, ...(spec?.durations ?? [])], ownDuration, (d) => d);

  for (const quality of qualities) {
    if (quality !== undefined && effect && !effect.qualities.includes(quality)) continue;
    for (const duration of durations) {
      const reason = checkCombination(catalog, {
        endpoint: job.endpoint,
        ...(model !== undefined ? { model } : {}),
        ...(quality !== undefined ? { quality } : {}),
        ...(typeof params.motion === 'string' ? { motion: params.motion } : {}),
        ...(segments.length > 0 ? { segments: segments.map((k) => Math.min(Number(params[k]), duration ?? Infinity)) } : duration !== undefined ? { duration } : {}),
      });
      if (reason !== null) continue;
      const out = { ...params };
      if (quality !== undefined) out.quality = quality;
      if (duration !== undefined && typeof params.duration === 'number') out.duration = duration;
      for (const k of segments) out[k] = Math.min(Number(params[k]), duration ?? Infinity);
      return out;
    }
  }
  return params;
}

/** The preferred value first, then the others from cheapest up, none above the job's own. */
function cheaperFirst<T>(values: T[], own: T, rank: (v: T) => number): T[] {
  const [preferred, ...rest] = values;
  const ordered = [preferred!, ...[...rest].sort((a, b) => rank(a) - rank(b)), own];
  return [...new Set(ordered)].filter((v) => rank(v) <= rank(own));
}

const qualityRank = (q: string): number => Number.parseInt(q, 10) || Number.MAX_SAFE_INTEGER;
