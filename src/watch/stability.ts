/**
 * Watch mode's own write-finish check. The debounce is enough for manifests and configs (small files
 * saved at once); an asset may be a large file still being copied, and rendering from half of it would
 * upload (and pay for) the wrong input. So a changed asset must have gone unmodified for `settleMs`
 * before a cycle reads it, and every watched file is compared before and after loading: one that changed
 * meanwhile means the load may have seen a mix of versions, and the cycle starts over instead of running.
 */
import { stat as fsStat } from 'node:fs/promises';
import type { Clock } from '../clock.js';

export interface FileSignature {
  size: number;
  mtimeMs: number;
}

export type StatFn = (file: string) => Promise<FileSignature | undefined>;

export const statFile: StatFn = (file) => fsStat(file).then((s) => ({ size: s.size, mtimeMs: s.mtimeMs }), () => undefined);

/** `size:mtime` of each file ('missing' when it does not exist). */
export async function signatures(files: readonly string[], stat: StatFn = statFile): Promise<Map<string, string>> {
  const entries = await Promise.all(files.map(async (f) => [f, key(await stat(f))] as const));
  return new Map(entries);
}

/** Files whose signature differs between two snapshots (only files present in both are compared). */
export function changedBetween(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...after].filter(([f, sig]) => before.has(f) && before.get(f) !== sig).map(([f]) => f);
}

/**
 * Resolves once none of `files` was modified within the last `settleMs`, or none changed during a whole
 * wait (a file whose mtime lies in the future would otherwise never look old). Re-checks after each wait,
 * as a copy in progress keeps moving the mtime. Rejects with the signal's reason if it aborts meanwhile.
 */
export async function waitUntilSettled(files: readonly string[], options: { settleMs: number; clock: Clock; stat?: StatFn; signal?: AbortSignal }): Promise<void> {
  const stat = options.stat ?? statFile;
  let previous: string[] | undefined;
  for (;;) {
    const now = options.clock.now();
    const seen = await Promise.all(files.map((f) => stat(f)));
    const keys = seen.map(key);
    if (previous && keys.every((k, i) => k === previous![i])) return;
    const wait = Math.max(0, ...seen.map((s) => (s ? Math.min(options.settleMs, options.settleMs - (now - s.mtimeMs)) : 0)));
    if (wait <= 0) return;
    previous = keys;
    await options.clock.sleep(wait, options.signal);
  }
}

const key = (s: FileSignature | undefined): string => (s ? `${s.size}:${s.mtimeMs}` : 'missing');
