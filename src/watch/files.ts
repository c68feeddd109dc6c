/** Which files a watch session watches: the manifest, the project config file and every local asset jobs use. */
import { resolve } from 'node:path';
import type { Loaded } from '../pipeline.js';

export function watchedFiles(manifestFile: string, loaded: Pick<Loaded, 'graph' | 'configFile'>): string[] {
  const files = new Set<string>([resolve(manifestFile)]);
  if (loaded.configFile) files.add(resolve(loaded.configFile));
  for (const job of loaded.graph.manifest.jobs)
    for (const input of Object.values(job.inputs)) if (input.type === 'asset') files.add(resolve(input.file));
  return [...files].sort();
}

/** Same files, any order. */
export function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}
