/**
 * The simulator's reading of a generation request, shared by the kinds' simulator behaviour
 * (src/kinds, `sim`): the model with its default, the common settings, templates, voices, the output.
 */
import { closest, defaultModelFor, type Catalog, type Endpoint, type RenderSpec } from '../catalog.js';
import { frameSize } from './geometry.js';
import type { JobOutput } from './jobs.js';
import type { SourceLookup, SourceVideo } from './sources.js';
import { FieldError, type CommonFields, type Fields } from './validation.js';
import { readTemplate } from './templates.js';
import type { TemplateLists } from '../templates/types.js';

export interface GenerationContext extends SourceLookup {
  catalog: Catalog;
  /** The effects, voices and restyle presets this simulator serves (GET videos/effects…). */
  templates: TemplateLists;
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

/** The request's model, else the endpoint's default (a transition: by its number of frames). */
export function model(f: Fields, cat: Catalog, endpoint: Endpoint, frames = 2): string {
  const name = f.string('model');
  if (name !== undefined) {
    if (!cat.models[name]) {
      const hint = closest(name, Object.keys(cat.models));
      throw new FieldError(`Parameter model: unknown model "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${Object.keys(cat.models).join(', ')}`);
    }
    return name;
  }
  return defaultModelFor(cat, endpoint, frames);
}

/**
 * quality / duration / motion_mode / aspect_ratio / audio / multi_shot / preview_mode with their type
 * checks and the model's defaults; which values the model allows is checkCombination's (the catalog's).
 * motion_mode on a model without motion modes is ignored (UNCONFIRMED whether the API refuses it).
 */
export function settings(f: Fields, cat: Catalog, modelName: string, defaults: { quality?: string } = {}) {
  const m = cat.models[modelName];
  const duration = f.integer('duration', { min: 1 });
  const motion = f.oneOf('motion_mode', union(cat, 'motions'), 'normal')!;
  return {
    quality: f.oneOf('quality', union(cat, 'qualities'), defaults.quality ?? m?.defaultQuality ?? '540p')!,
    duration: duration ?? 5,
    ...(m && m.motions.length > 0 ? { motion } : {}),
    aspectRatio: f.oneOf('aspect_ratio', m?.aspectRatios ?? cat.aspectRatios, '16:9')!,
    flags: {
      ...(f.boolean('audio') ? { audio: true } : {}),
      ...(f.boolean('multi_shot') ? { multiShot: true } : {}),
      ...(f.boolean('preview_mode') ? { preview: true } : {}),
    },
  };
}

export const motionOf = (s: { motion?: string }): { motion?: string } => (s.motion !== undefined ? { motion: s.motion } : {});

/** What the video object echoes of the settings: motion_mode only where the model has it, and the flags. */
export const echo = (s: { motion?: string; flags: { audio?: boolean; multiShot?: boolean; preview?: boolean } }) => ({
  ...(s.motion !== undefined ? { motion_mode: s.motion } : {}),
  ...(s.flags.audio ? { audio: true } : {}),
  ...(s.flags.multiShot ? { multi_shot: true } : {}),
  ...(s.flags.preview ? { preview_mode: true } : {}),
});

/** The effect a request names (`template_id`), checked against the served list. */
export const template = (f: Fields, lists: TemplateLists) => readTemplate(f, lists);

export function voice(f: Fields, lists: TemplateLists, name: string): string | undefined {
  const id = f.id(name);
  if (id !== undefined && !lists.voices.some((v) => v.speaker_id === id)) throw new FieldError(`Parameter ${name}: unknown speaker ${id} (see GET videos/voices)`);
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
