/**
 * The reads behind a gallery: the project (config, manifest, graph), the state snapshot (lock + journal,
 * read without the run lock so a render may be going on), which outputs are on disk, the renders kept
 * aside, and one poster frame per clip (ffmpeg, cached by the clip's content hash).
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import type { RunEvent } from '../events.js';
import { runFfmpeg } from '../ffmpeg.js';
import { loadProject, planFor, type Loaded } from '../pipeline.js';
import { backendKindFor } from '../backend-kind.js';
import { presentOutputs } from '../plan-inputs.js';
import { assertFolderWithin, writeRootsOf, type WriteRoots } from '../state/contained.js';
import { readStateSnapshot } from '../state/file-store.js';
import { isDiskError } from '../state/fs.js';
import { previewManifest, previewState } from '../watch/preview.js';
import { anchorOf, renderVersion, type AsideClip, type GalleryInput } from './model.js';

export interface CollectOptions {
  /** Where index.html goes; default: the manifest's output folder. */
  out?: string;
  /** The `watch --preview` namespace: its lock, journal and outputs. */
  preview?: boolean;
  events?: readonly RunEvent[];
  live?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  /** Why nothing may be written into the gallery folder (checked before the first poster), or undefined. */
  beforeWrite?: (galleryDir: string) => Promise<Diagnostic | undefined>;
}

export type Collected =
  | { ok: true; input: GalleryInput; loaded: Loaded }
  | { ok: false; errors: number; message: string; diagnostics: Diagnostic[]; sources: Map<string, string> };

export const POSTER_DIR = 'gallery-posters';

export async function collectGallery(manifestFile: string, options: CollectOptions = {}): Promise<Collected> {
  const file = resolve(manifestFile);
  const loaded = await loadProject(manifestFile, options.preview ? { adjust: previewManifest } : {});
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    return { ok: false, errors: errors.length, message: errors[0]?.message ?? 'the manifest does not validate', diagnostics: loaded.diagnostics, sources: loaded.sources };
  }
  const manifestDir = dirname(file);
  const snapshot = await readStateSnapshot(file, options.preview ? previewState(file) : {});
  const present = await presentOutputs(loaded.graph, snapshot.lock);
  const plan = planFor(loaded, snapshot.lock, present, undefined, backendKindFor(loaded.config, options.env ?? process.env));
  const galleryDir = resolve(options.out ?? loaded.graph.manifest.outputDir);
  const refused = await options.beforeWrite?.(galleryDir);
  if (refused) return { ok: false, errors: 1, message: refused.message, diagnostics: [refused], sources: loaded.sources };
  const aside = await asideClips(manifestDir, plan.jobs.map((j) => j.id));
  const clips = [
    ...plan.jobs.flatMap((j) => (present.has(j.id) && Object.hasOwn(snapshot.lock.jobs, j.id) ? [{ id: j.id, file: snapshot.lock.jobs[j.id]!.output, version: renderVersion(snapshot.lock.jobs[j.id]!) }] : [])),
    ...aside.map((a) => ({ id: a.job, file: a.file, version: a.fingerprint })),
  ];
  const post = await Promise.all(
    loaded.graph.manifest.post.map(async (step) => {
      const info = await stat(resolve(manifestDir, step.output)).catch(() => undefined);
      // Size and modification time name the file's version: a post step's output is made again after each run that changes it.
      return { step, ...(info?.isFile() ? { version: `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}` } : {}) };
    }),
  );
  const concats = post.flatMap(({ step, version }) => (step.kind === 'concat' && version !== undefined ? [{ id: `post:${step.output}`, file: step.output, version }] : []));
  const posters = await makePosters(manifestDir, galleryDir, [...clips, ...concats], galleryRoots(loaded.graph.manifest, options.out));
  return {
    ok: true,
    loaded,
    input: {
      plan,
      lock: snapshot.lock,
      pending: snapshot.pending,
      failed: snapshot.failed,
      present,
      events: options.events ?? [],
      aside,
      post,
      posters,
      manifestName: loaded.graph.manifest.name,
      manifestDir,
      galleryDir,
      generatedAt: (options.now ?? new Date()).toISOString(),
      live: options.live ?? false,
    },
  };
}

/** `.pixrender/aside/<job>@<fingerprint12>.mp4`, named the way execute/attempts.ts names them. */
async function asideClips(manifestDir: string, jobs: readonly string[]): Promise<AsideClip[]> {
  const names = await readdir(join(manifestDir, '.pixrender', 'aside')).catch(() => [] as string[]);
  const bySafeName = new Map(jobs.map((j) => [j.replace(/[^\w.\-[\]=,]/g, '_'), j] as const));
  const clips: AsideClip[] = [];
  for (const name of names.sort()) {
    const m = /^(.+)@([0-9a-f]{12})\.mp4$/.exec(name);
    const job = m ? bySafeName.get(m[1]!) : undefined;
    if (m && job) clips.push({ job, fingerprint: m[2]!, file: `.pixrender/aside/${name}` });
  }
  return clips;
}

/** Where gallery files may land: the manifest's write roots, and the folder `--out` names (the user's choice). */
export function galleryRoots(manifest: Parameters<typeof writeRootsOf>[0], out: string | undefined): WriteRoots {
  return [...writeRootsOf(manifest), ...(out !== undefined ? [resolve(out)] : [])];
}

/** One JPEG per clip version; a clip ffmpeg cannot read simply has no poster. Never through a link that leads out. */
async function makePosters(manifestDir: string, galleryDir: string, clips: { id: string; file: string; version: string }[], within: WriteRoots): Promise<Map<string, string>> {
  const posters = new Map<string, string>();
  const dir = join(galleryDir, POSTER_DIR);
  await assertFolderWithin(join(dir, 'poster.jpg'), within);
  await mkdir(dir, { recursive: true });
  for (const clip of clips) {
    const poster = join(dir, `${anchorOf(clip.id)}-${clip.version}.jpg`);
    const ok = (await exists(poster)) || (await extractPoster(resolve(manifestDir, clip.file), poster, within));
    if (ok) posters.set(clip.file, relative(manifestDir, poster).split(sep).join('/'));
  }
  return posters;
}

async function extractPoster(video: string, poster: string, within: WriteRoots): Promise<boolean> {
  const temp = `${poster}.${process.pid}.tmp.jpg`;
  const args = (seek: string[]) => [...seek, '-i', `file:${video}`, '-frames:v', '1', '-vf', 'scale=480:-2', '-q:v', '5', '-y', `file:${temp}`];
  try {
    // A frame a little in, where a clip that fades in already shows something; a shorter clip: its first frame.
    await runFfmpeg(args(['-ss', '0.5'])).catch(() => runFfmpeg(args([])));
    if (!(await exists(temp))) await runFfmpeg(args([]));
    await assertFolderWithin(poster, within);
    await rename(temp, poster);
    return true;
  } catch (error) {
    await rm(temp, { force: true });
    if (isDiskError(error, 'outside-project')) throw error;
    return false;
  }
}

const exists = (file: string): Promise<boolean> => stat(file).then((s) => s.size > 0, () => false);
