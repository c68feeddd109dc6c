/**
 * The measured length (and frame size) of every local audio and video a job consumes, so the plan
 * prices a 30 s clip as 30 s. Measuring runs ffmpeg once per content: results are kept by sha256 in
 * memory and in `.pixrender/media-lengths.json` beside the manifest, so a plan of unchanged assets
 * reads no media at all.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { probeLength, type MediaLength } from './media.js';
import { mediaFields } from './kinds/pricing.js';
import type { ResolvedManifest } from './model.js';
import { writeFileAtomic } from './state/atomic.js';
import { assertFolderWithin } from './state/contained.js';

/** Input fields that carry a local medium whose length can decide a price, and what it holds. */
export const MEDIA_FIELDS: Readonly<Record<string, 'video' | 'audio'>> = mediaFields();

/** A local medium: measured, or why not (the plan then takes the longest length the endpoint accepts). */
export type MeasuredMedia = ({ ok: true } & MediaLength) | { ok: false; reason: 'unreadable' | 'missing' };

/** Asset file (as the manifest names it) → its measurement. */
export type MediaLengths = ReadonlyMap<string, MeasuredMedia>;

const CACHE_VERSION = 1;
const memory = new Map<string, MediaLength>();

export interface MeasureOptions {
  /** Where measurements persist; default `.pixrender/media-lengths.json` beside the manifest; null: memory only. */
  cacheFile?: string | null;
  concurrency?: number;
  /** Keep and reuse measurements in this process (default true; tests of the file cache turn it off). */
  memory?: boolean;
  /** Measures one file; default ffmpeg (probeLength). */
  probe?: (file: string) => Promise<MediaLength>;
}

/** Measures the local media of every job; `hashes` are the asset content hashes the graph already took. */
export async function measureMedia(manifest: ResolvedManifest, hashes: ReadonlyMap<string, string>, options: MeasureOptions = {}): Promise<Map<string, MeasuredMedia>> {
  const files = new Set<string>();
  for (const job of manifest.jobs)
    for (const [field, ref] of Object.entries(job.inputs)) if (ref.type === 'asset' && Object.hasOwn(MEDIA_FIELDS, field)) files.add(ref.file);
  const result = new Map<string, MeasuredMedia>();
  if (files.size === 0) return result;
  const cacheFile = options.cacheFile === undefined ? join(dirname(resolve(manifest.file)), '.pixrender', 'media-lengths.json') : options.cacheFile;
  const probe = options.probe ?? probeLength;
  const useMemory = options.memory ?? true;
  // The file is read only when this process has not measured every content yet (watch replans often).
  const allKnown = useMemory && [...files].every((f) => memory.has(hashes.get(f) ?? ''));
  const disk = cacheFile && !allKnown ? await readCache(cacheFile) : {};
  const base = dirname(manifest.file);
  let added = false;
  const pending = [...files];
  const worker = async (): Promise<void> => {
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      const sha = hashes.get(file);
      if (sha === undefined) {
        result.set(file, { ok: false, reason: 'missing' });
        continue;
      }
      const known = (useMemory ? memory.get(sha) : undefined) ?? (Object.hasOwn(disk, sha) ? disk[sha] : undefined);
      if (known) {
        if (useMemory) memory.set(sha, known);
        result.set(file, { ok: true, ...known });
        continue;
      }
      try {
        const measured = await probe(resolve(base, file));
        if (useMemory) memory.set(sha, measured);
        disk[sha] = measured;
        added = true;
        result.set(file, { ok: true, ...measured });
      } catch {
        // Not cached: a failure may be passing (ffmpeg missing, the file being written).
        result.set(file, { ok: false, reason: 'unreadable' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  // Best effort: a read-only project still plans, it only measures again next time.
  if (added && cacheFile) await writeCache(cacheFile, disk).catch(() => undefined);
  return result;
}

async function readCache(file: string): Promise<Record<string, MediaLength>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (!isRecord(parsed) || parsed['version'] !== CACHE_VERSION || !isRecord(parsed['media'])) return {};
    const out: Record<string, MediaLength> = {};
    for (const [sha, v] of Object.entries(parsed['media'])) if (isLength(v)) out[sha] = v;
    return out;
  } catch {
    return {};
  }
}

async function writeCache(file: string, media: Record<string, MediaLength>): Promise<void> {
  // A cache in a state folder (.pixrender/) must really be in the project that holds it.
  const within = [dirname(dirname(file))];
  await assertFolderWithin(file, within);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify({ version: CACHE_VERSION, media }, null, 1)}\n`, undefined, within);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
function isLength(v: unknown): v is MediaLength {
  if (!isRecord(v) || !positive(v['durationSeconds'])) return false;
  return (v['width'] === undefined && v['height'] === undefined) || (positive(v['width']) && positive(v['height']));
}
