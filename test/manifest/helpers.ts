/** Loads manifests from an in-memory file system (memfs) for unit tests. */
import { memfs } from 'memfs';
import { expect } from 'vitest';
import type { ProjectConfig } from '../../src/config.js';
import { loadManifest, type LoadOptions, type LoadResult } from '../../src/manifest/index.js';
import type { ResolvedJob, ResolvedManifest } from '../../src/model.js';

export const MANIFEST = '/proj/show.yaml';

/** A memfs with the manifest and the given extra files (path → content), all under /proj. */
export function memoryFs(manifest: string, files: Record<string, string> = {}) {
  const { fs } = memfs({ [MANIFEST]: manifest, ...files });
  return fs.promises;
}

export async function load(manifest: string, files: Record<string, string> = {}, options: Omit<LoadOptions, 'fs'> & { config?: ProjectConfig } = {}): Promise<LoadResult> {
  return loadManifest(MANIFEST, { ...options, fs: memoryFs(manifest, files) });
}

/** Loads and expects no errors; returns the manifest. */
export async function loadValid(manifest: string, files: Record<string, string> = {}, options: Omit<LoadOptions, 'fs'> = {}): Promise<ResolvedManifest> {
  const result = await load(manifest, files, options);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(result.manifest).toBeDefined();
  return result.manifest!;
}

export function job(m: ResolvedManifest, id: string): ResolvedJob {
  const found = m.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}; jobs: ${m.jobs.map((j) => j.id).join(', ')}`);
  return found;
}

export const codes = (r: LoadResult): string[] => r.diagnostics.map((d) => d.code);
export const errors = (r: LoadResult): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
