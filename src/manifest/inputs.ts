/**
 * Turns the references a job writes (asset names, file paths, job names and ids) into InputRefs,
 * recording a dependency edge for every job used and a diagnostic for every reference that fails.
 *
 * A string is looked up as: an asset name, then a job reference, then (if it looks like a path: it
 * has a `/` or a file extension) a file relative to the manifest.
 */
import { closest } from '../catalog.js';
import type { SourceLocation } from '../diagnostic.js';
import type { InputRef, JobId } from '../model.js';
import type { ResolveContext, MediaKind } from './context.js';
import { mediaKindOf, SUPPORTED_FILES_HINT } from './context.js';
import { end } from './refs.js';
import type { YamlPath } from './source.js';
import type { FrameRefSpec } from './types.js';

const PATH_LIKE = /[\\/]|\.[A-Za-z0-9]{2,5}$/;

export class InputResolver {
  constructor(
    private readonly ctx: ResolveContext,
    /** The job that consumes the inputs. */
    private readonly consumer: JobId,
  ) {}

  /** An image slot. A job gives `defaultFrame` unless the reference picks one. */
  image(ref: FrameRefSpec, path: YamlPath, defaultFrame: 'first' | 'last'): InputRef | undefined {
    if (typeof ref !== 'string') {
      const job = this.job(ref.job, [...path, 'job']);
      return job && { type: 'job-frame', job, frame: ref.frame ?? defaultFrame };
    }
    const asset = this.file(ref, path, 'image', false);
    if (asset !== 'not-a-file') return asset;
    const job = this.job(ref, path, ['image']);
    return job && { type: 'job-frame', job, frame: defaultFrame };
  }

  /** A video slot: a job → its `video_id`; a local video → `video_path` (when the endpoint allows it). */
  video(ref: string, path: YamlPath, allowFile: boolean): { field: 'video_id' | 'video_path'; input: InputRef } | undefined {
    const asset = this.file(ref, path, 'video', !allowFile);
    if (asset !== 'not-a-file') return asset && { field: 'video_path', input: asset };
    const job = this.job(ref, path, allowFile ? ['video'] : []);
    return job && { field: 'video_id', input: { type: 'job-video', job } };
  }

  /** An audio slot: only files. */
  audio(ref: string, path: YamlPath): InputRef | undefined {
    return this.localFile(ref, path, 'audio');
  }

  /** A slot that takes only a local file (an audio, a motion video): never a job's output. */
  localFile(ref: string, path: YamlPath, want: MediaKind): InputRef | undefined {
    const asset = this.file(ref, path, want, false);
    if (asset !== 'not-a-file') return asset;
    const names = [...this.ctx.assets.keys()];
    const guess = closest(ref, names);
    this.ctx.error('unknown-asset', `unknown asset "${ref}"`, this.ctx.at(path), {
      hint: guess ? `did you mean "${guess}"?` : 'declare it under `assets:`, or give a file path relative to the manifest',
    });
    return undefined;
  }

  /** The consumer depends directly on `job` (then-steps on the step before). */
  direct(job: JobId, path: YamlPath): void {
    this.ctx.edges.push({ from: this.consumer, to: job, location: this.ctx.at(path) });
  }

  /**
   * A declared asset or a file path; 'not-a-file' when the text is neither (then it may be a job).
   * `refuse` reports an otherwise valid local file as not allowed here (upscale takes only jobs).
   */
  private file(ref: string, path: YamlPath, want: MediaKind, refuse: boolean): InputRef | undefined | 'not-a-file' {
    const ctx = this.ctx;
    const declared = ctx.assets.get(ref);
    const isPath = !declared && !ctx.index.isJobRef(ref) && PATH_LIKE.test(ref);
    if (!declared && !isPath) return 'not-a-file';
    const location = ctx.at(path);
    if (declared) ctx.usedAssets.add(ref);
    if (refuse) {
      ctx.error('upscale-source', `upscale takes a rendered job, not a local file ("${ref}")`, location, {
        hint: 'upscale works on PixVerse videos (video_id) only; render or extend the file first',
      });
      return undefined;
    }
    const file = declared ? declared.file : ctx.filePath(ref);
    const kind = declared ? declared.kind : mediaKindOf(file);
    if (!declared && !kind) {
      ctx.error('unsupported-asset', `"${ref}" is not a file type PixVerse accepts`, location, { hint: SUPPORTED_FILES_HINT });
      return undefined;
    }
    if (!declared && !ctx.inlineFiles.has(file)) ctx.inlineFiles.set(file, location);
    if (kind && kind !== want) {
      ctx.error('asset-kind', `${declared ? `asset "${ref}"` : `"${ref}"`} is ${article(kind)} ${kind} file, but ${article(want)} ${want} is expected here`, location);
      return undefined;
    }
    return { type: 'asset', name: ref, file };
  }

  /** A job reference (never a whole matrix job); records the dependency edge. */
  private job(ref: string, path: YamlPath, alsoAssets: MediaKind[] = []): JobId | undefined {
    const location = this.ctx.at(path);
    const ids = lookupJob(this.ctx, ref, location, { matrix: 'error', alsoAssets });
    const id = ids?.[0];
    if (id) this.ctx.edges.push({ from: this.consumer, to: id, location });
    return id;
  }
}

/**
 * Looks up a job reference: the job ids it names (one, or every cell's chain end for a whole matrix job
 * when `matrix: 'cells'`), or undefined after reporting why not. References to jobs that failed schema
 * validation give undefined silently (their errors are already reported).
 */
export function lookupJob(
  ctx: ResolveContext,
  ref: string,
  location: SourceLocation,
  options: { matrix: 'error' | 'cells'; alsoAssets?: MediaKind[] },
): JobId[] | undefined {
  const found = ctx.index.resolve(ref);
  switch (found.type) {
    case 'job':
      return [found.id];
    case 'broken':
      return undefined;
    case 'matrix':
      if (options.matrix === 'cells') return found.cells.map((c) => end(c.chain));
      ctx.error('matrix-ref', `"${ref}" is a matrix job with ${found.cells.length} cells; refer to one cell`, location, {
        hint: `e.g. "${end(found.cells[0]!.chain)}"`,
      });
      return undefined;
    case 'bad-step':
      ctx.error('unknown-job', `job "${found.name}" has no step ${ref.slice(ref.lastIndexOf('.') + 1)}`, location, {
        hint:
          found.steps === 0
            ? `"${found.name}" has no then-steps; use "${found.name}"`
            : `its steps are ${found.base}.0 (the job itself) to ${found.base}.${found.steps}`,
      });
      return undefined;
    case 'bad-cell':
      ctx.error('unknown-job', `"${ref}" is not a cell of job "${found.name}"`, location, { hint: `cells are named like "${found.example}"` });
      return undefined;
    case 'none': {
      const alsoAssets = options.alsoAssets ?? [];
      const guess = ctx.nameSuggester(alsoAssets.length > 0).closest(ref);
      const what = alsoAssets.length ? `job or ${alsoAssets.join('/')} asset` : 'job';
      ctx.error('unknown-job', `unknown ${what} "${ref}"`, location, {
        hint: guess ? `did you mean "${guess}"?` : `jobs: ${ctx.nameSuggester(false).list()}`,
      });
      return undefined;
    }
  }
}


function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

