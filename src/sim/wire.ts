/**
 * The simulator's reading of a generation request, shared by the kinds' simulator behaviour
 * (src/kinds, `sim`): the model with its default, the common settings, templates, voices, the output.
 */
import { closest, modelSupports, type Catalog, type Endpoint, type RenderSpec } from '../catalog.js';
import { frameSize } from './geometry.js';
import type { JobOutput } from './jobs.js';
import type { SourceLookup, SourceVideo } from './sources.js';
import { FieldError, type CommonFields, type Fields } from './validation.js';

export interface GenerationContext extends SourceLookup {
  catalog: Catalog;
  randomSeed(): number;
}

export interface GenerationRequest {
  endpoint: Endpoint;
  common: CommonFields;
  /** The account of a source `video_id`: used when `email` is absent (and always for upscale). */
  sourceEmail?: string;
  spec: RenderSpec;
  output: JobOutput;
  /** Every prompt-like text, for moderation. */
  texts: string[];
  /** Echoed in the video object. */
  fields: Record<string, unknown>;
}

/** What a kind's simulator behaviour makes of a request body. */
export type SimBuilt = Omit<GenerationRequest, 'endpoint' | 'common' | 'texts'>;
export type SimBuilder = (f: Fields, ctx: GenerationContext) => SimBuilt;

export const union = (cat: Catalog, key: 'qualities' | 'motions' | 'durations'): string[] =>
  [...new Set(Object.values(cat.models).flatMap((m) => m[key].map(String)))];

export function model(f: Fields, cat: Catalog, endpoint: Endpoint): string {
  const name = f.string('model');
  if (name !== undefined) {
    if (!cat.models[name]) {
      const hint = closest(name, Object.keys(cat.models));
      throw new FieldError(`Parameter model: unknown model "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${Object.keys(cat.models).join(', ')}`);
    }
    return name;
  }
  if (modelSupports(cat, cat.defaultModel, endpoint) !== false) return cat.defaultModel;
  return Object.keys(cat.models).find((m) => modelSupports(cat, m, endpoint) === true) ?? cat.defaultModel;
}

/** quality / duration / motion_mode / aspect_ratio with their enum checks and defaults. */
export function settings(f: Fields, cat: Catalog, defaults: { quality?: string } = {}) {
  const duration = f.integer('duration');
  if (duration !== undefined && !union(cat, 'durations').includes(String(duration)))
    throw new FieldError(`Parameter duration must be one of ${union(cat, 'durations').join(', ')}, got ${duration}`);
  return {
    quality: f.oneOf('quality', union(cat, 'qualities'), defaults.quality ?? '540p')!,
    duration: duration ?? 5,
    motion: f.oneOf('motion_mode', union(cat, 'motions'), 'normal')!,
    aspectRatio: f.oneOf('aspect_ratio', cat.aspectRatios, '16:9')!,
  };
}

export function template(f: Fields, cat: Catalog) {
  const id = f.integer('template_id');
  if (id === undefined) return undefined;
  const effect = cat.effects.find((e) => e.template_id === id);
  if (!effect) throw new FieldError(`Parameter template_id: unknown template ${id} (see GET videos/effects)`);
  return effect;
}

export function voice(f: Fields, cat: Catalog, name: string): string | undefined {
  const id = f.id(name);
  if (id !== undefined && !cat.voices.some((v) => v.speaker_id === id)) throw new FieldError(`Parameter ${name}: unknown speaker ${id} (see GET videos/voices)`);
  return id;
}

export const output = (quality: string, aspectRatio: string, duration: number, extra: Partial<JobOutput> = {}): JobOutput => ({
  ...frameSize(quality, aspectRatio),
  quality,
  aspectRatio,
  duration,
  upscaled: false,
  ...extra,
});

export const sourceOf = (src: SourceVideo) => (src.job ? { sourceEmail: src.job.email } : {});
