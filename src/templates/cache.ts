/**
 * The template lists read from an API, kept in `.pixrender/templates.json` per API base URL, so
 * validation works offline and a run does not read three lists every time. An entry is fresh for
 * `TEMPLATE_TTL_HOURS`; after that (or with `pixrender models --refresh`, or when a manifest names a
 * template the cached list lacks) it is read again.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../state/atomic.js';
import { assertFolderWithin } from '../state/contained.js';
import type { TemplateLists } from './types.js';

/** How long a cached list is used without reading it again (UNCONFIRMED: how often lists change). */
export const TEMPLATE_TTL_HOURS = 24;

const FILE = 'templates.json';

interface CacheFile {
  version: 1;
  /** API base URL → its lists. */
  lists: Record<string, TemplateLists>;
}

async function readCache(stateDir: string): Promise<CacheFile> {
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, FILE), 'utf8')) as Partial<CacheFile>;
    if (parsed.version === 1 && parsed.lists && typeof parsed.lists === 'object') return { version: 1, lists: parsed.lists };
  } catch {
    // missing or unreadable: no cache
  }
  return { version: 1, lists: {} };
}

export async function cachedLists(stateDir: string, apiBase: string): Promise<TemplateLists | undefined> {
  const entry = (await readCache(stateDir)).lists[apiBase];
  return entry && Array.isArray(entry.effects) && Array.isArray(entry.voices) && Array.isArray(entry.restyles) ? entry : undefined;
}

export async function storeLists(stateDir: string, apiBase: string, lists: TemplateLists): Promise<void> {
  const cache = await readCache(stateDir);
  cache.lists[apiBase] = lists;
  // The state folder (.pixrender/) must really be in the project that holds it.
  const within = [dirname(resolve(stateDir))];
  await assertFolderWithin(join(stateDir, FILE), within);
  await mkdir(stateDir, { recursive: true });
  await writeFileAtomic(join(stateDir, FILE), `${JSON.stringify(cache, null, 1)}\n`, undefined, within);
}

export function isFresh(lists: TemplateLists, now: Date, ttlHours = TEMPLATE_TTL_HOURS): boolean {
  const at = lists.fetchedAt ? Date.parse(lists.fetchedAt) : NaN;
  return Number.isFinite(at) && now.getTime() - at < ttlHours * 3_600_000 && now.getTime() >= at;
}
