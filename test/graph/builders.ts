/** In-memory builders for resolved manifests, so graph, fingerprint and plan tests need no files. */
import { loadCatalog } from '../../src/catalog.js';
import { buildGraph, type BuiltGraph } from '../../src/graph.js';
import { ENDPOINT_OF_KIND, jobId, type InputRef, type JobKind, type LockEntry, type LockFile, type ResolvedJob, type ResolvedManifest } from '../../src/model.js';

export const MANIFEST_FILE = '/project/teaser.yaml';
export const catalog = loadCatalog();

type Params = ResolvedJob['params'];
let offset = 0;

export function job(id: string, kind: JobKind, params: Params = {}, inputs: Record<string, InputRef> = {}, extra: Partial<ResolvedJob> = {}): ResolvedJob {
  offset += 20;
  return {
    id: jobId(id),
    kind,
    endpoint: ENDPOINT_OF_KIND[kind],
    params,
    inputs,
    offPeak: 'never',
    output: `renders/${id}.mp4`,
    location: { file: MANIFEST_FILE, range: { offset, length: id.length } },
    ...extra,
  };
}

const generation = (prompt: string): Params => ({ model: 'v4.5', prompt, quality: '540p', duration: 5, motion_mode: 'normal', seed: 7 });
export const asset = (name: string, file = `./images/${name}.png`): InputRef => ({ type: 'asset', name, file });
export const video = (id: string): InputRef => ({ type: 'job-video', job: jobId(id) });
export const frame = (id: string, which: 'first' | 'last'): InputRef => ({ type: 'job-frame', job: jobId(id), frame: which });

export const create = (id: string, params: Params = {}, inputs: Record<string, InputRef> = {}) =>
  job(id, 'create', { ...generation(`shot ${id}`), ...params }, inputs);
export const extend = (id: string, from: string, params: Params = {}) =>
  job(id, 'extend', { ...generation(`continue ${from}`), ...params }, { video_id: video(from) });
export const upscale = (id: string, from: string) => job(id, 'upscale', {}, { video_id: video(from) });
export const restyle = (id: string, from: string) => job(id, 'restyle', { model: 'v4', prompt: 'anime', restyle_id: 101 }, { video_id: video(from) });
export const lipsync = (id: string, from: string) => job(id, 'lipsync', { prompt: 'hello', speaker_id: '1001' }, { video_id: video(from) });
export const transition = (id: string, from: string[], params: Params = {}) =>
  job(
    id,
    'transition',
    { model: 'v5', quality: '540p', motion_mode: 'normal', ...params },
    Object.fromEntries(from.map((f, i) => [`frame_${i + 1}_path`, frame(f, i === 0 ? 'last' : 'first')])),
  );

export function manifest(jobs: ResolvedJob[], extra: Partial<ResolvedManifest> = {}): ResolvedManifest {
  return { file: MANIFEST_FILE, name: 'teaser', jobs, post: [], outputDir: '/project/renders', ...extra };
}

/** Every asset the jobs use, hashed as "sha-of-<file>" unless given. */
export function hashesFor(m: ResolvedManifest, overrides: Record<string, string> = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const j of m.jobs) for (const ref of Object.values(j.inputs)) if (ref.type === 'asset') out.set(ref.file, overrides[ref.file] ?? `sha-of-${ref.file}`);
  return out;
}

export function graphOf(m: ResolvedManifest, hashes = hashesFor(m)): BuiltGraph {
  const result = buildGraph(m, hashes);
  if (!result.ok) throw new Error(result.error.map((d) => d.message).join('\n'));
  return result.value;
}

/** A lock that records every job of the graph as rendered with its current fingerprint and params. */
export function lockOf(graph: BuiltGraph, only?: string[]): LockFile {
  const jobs: Record<string, LockEntry> = {};
  for (const node of graph.nodes) {
    if (only && !only.includes(node.job.id)) continue;
    jobs[node.job.id] = {
      fingerprint: node.fingerprint,
      kind: node.job.kind,
      endpoint: node.job.endpoint,
      params: { ...node.job.params },
      videoId: `video-${node.job.id}`,
      url: `https://media.example/${node.job.id}.mp4`,
      output: node.job.output,
      sha256: 'f'.repeat(64),
      size: 1000,
      credits: 30,
      offPeak: false,
      submittedAt: '2026-01-01T00:00:00Z',
      completedAt: '2026-01-01T00:01:00Z',
    };
  }
  return { version: 1, jobs };
}
