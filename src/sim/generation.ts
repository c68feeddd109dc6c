/**
 * Validates a generation request (one builder per endpoint, reference §8.10–8.17) and turns it into
 * what the simulator needs: the catalog RenderSpec (price, timing), the output geometry, the texts
 * moderation reads and the fields the video object echoes.
 */
import { checkCombination, closest, defaultModelFor, restyleSpec, type Catalog, type Endpoint, type RenderSpec } from '../catalog.js';
import type { Result } from '../diagnostic.js';
import { frameSize, upscaleSize } from './geometry.js';
import type { JobOutput } from './jobs.js';
import { completedVideo, sourceVideo, uploadPath, type SourceLookup, type SourceVideo } from './sources.js';
import { FieldError, Fields, readCommon, readPrompt, readSeed, type CommonFields } from './validation.js';

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

type Builder = (f: Fields, ctx: GenerationContext) => Omit<GenerationRequest, 'endpoint' | 'common' | 'texts'>;

export function buildGeneration(endpoint: Endpoint, raw: Record<string, unknown>, ctx: GenerationContext): Result<GenerationRequest, string> {
  const f = new Fields(raw);
  try {
    const common = readCommon(f, ctx.catalog, { email: endpoint !== 'videos/upscale' });
    const built = BUILDERS[endpoint](f, ctx);
    const problem = checkCombination(ctx.catalog, built.spec);
    if (problem) return { ok: false, error: `Invalid parameters: ${problem}` };
    const texts = Object.entries(raw)
      .filter(([k, v]) => /prompt/.test(k) && typeof v === 'string')
      .map(([, v]) => v as string);
    built.fields.seed ??= ctx.randomSeed();
    return { ok: true, value: { endpoint, common, texts, ...built } };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    throw error;
  }
}

const union = (cat: Catalog, key: 'qualities' | 'motions' | 'durations'): string[] =>
  [...new Set(Object.values(cat.models).flatMap((m) => m[key].map(String)))];

/** The request's model, else the endpoint's default (a transition: by its number of frames). */
function model(f: Fields, cat: Catalog, endpoint: Endpoint, frames = 2): string {
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
function settings(f: Fields, cat: Catalog, modelName: string, defaults: { quality?: string } = {}) {
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

function template(f: Fields, cat: Catalog) {
  const id = f.integer('template_id');
  if (id === undefined) return undefined;
  const effect = cat.effects.find((e) => e.template_id === id);
  if (!effect) throw new FieldError(`Parameter template_id: unknown template ${id} (see GET videos/effects)`);
  return effect;
}

function voice(f: Fields, cat: Catalog, name: string): string | undefined {
  const id = f.id(name);
  if (id !== undefined && !cat.voices.some((v) => v.speaker_id === id)) throw new FieldError(`Parameter ${name}: unknown speaker ${id} (see GET videos/voices)`);
  return id;
}

const motionOf = (s: { motion?: string }): { motion?: string } => (s.motion !== undefined ? { motion: s.motion } : {});

/** What the video object echoes of the settings: motion_mode only where the model has it, and the flags. */
const echo = (s: { motion?: string; flags: { audio?: boolean; multiShot?: boolean; preview?: boolean } }) => ({
  ...(s.motion !== undefined ? { motion_mode: s.motion } : {}),
  ...(s.flags.audio ? { audio: true } : {}),
  ...(s.flags.multiShot ? { multi_shot: true } : {}),
  ...(s.flags.preview ? { preview_mode: true } : {}),
});

const output = (quality: string, aspectRatio: string, duration: number, extra: Partial<JobOutput> = {}): JobOutput => ({
  ...frameSize(quality, aspectRatio),
  quality,
  aspectRatio,
  duration,
  upscaled: false,
  ...extra,
});

const sourceOf = (src: SourceVideo) => (src.job ? { sourceEmail: src.job.email } : {});

const create: Builder = (f, { catalog: cat, ...lookup }) => {
  const effect = template(f, cat);
  const prompt = readPrompt(f, cat, 'prompt', effect === undefined);
  const m = model(f, cat, 'videos/create');
  // A template renders at its first quality unless the request names one.
  const s = settings(f, cat, m, effect ? { quality: effect.qualities[0] } : {});
  const first = uploadPath(f, lookup, 'first_frame_path', 'image');
  const last = uploadPath(f, lookup, 'last_frame_path', 'image');
  if (effect) {
    if (!effect.qualities.includes(s.quality)) throw new FieldError(`Template ${effect.template_id} allows quality ${effect.qualities.join(', ')} only`);
    if (first === undefined) throw new FieldError(`Template ${effect.template_id} needs first_frame_path`);
    if (effect.effect_type === '2' && last === undefined) throw new FieldError(`Template ${effect.template_id} needs first_frame_path and last_frame_path`);
  } else if (last !== undefined) throw new FieldError('last_frame_path needs a two-image template (effect_type "2"); use videos/create-frames for first/last frame videos');
  readPrompt(f, cat, 'negative_prompt', false);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, cat, 'lip_sync_tts_speaker_id');
  f.boolean('auto_sound');
  f.boolean('remove_watermark');
  const style = f.oneOf('style', cat.styles);
  return {
    spec: { endpoint: 'videos/create', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, negative_prompt: f.raw.negative_prompt, model: m, ...echo(s), seed: readSeed(f, cat), style, template_id: effect?.template_id, template_name: effect?.display_name },
  };
};

const createFrames: Builder = (f, { catalog: cat, ...lookup }) => {
  const prompt = readPrompt(f, cat, 'prompt', false);
  const m = model(f, cat, 'videos/create-frames');
  const s = settings(f, cat, m);
  uploadPath(f, lookup, 'first_frame_path', 'image', true);
  uploadPath(f, lookup, 'last_frame_path', 'image', true);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, cat, 'lip_sync_tts_speaker_id');
  f.boolean('remove_watermark');
  return {
    spec: { endpoint: 'videos/create-frames', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
};

const extend: Builder = (f, { catalog: cat, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', false);
  readPrompt(f, cat, 'negative_prompt', false);
  const effect = template(f, cat);
  const m = model(f, cat, 'videos/extend');
  const s = settings(f, cat, m);
  const style = f.oneOf('style', cat.styles);
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/extend', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, src.aspectRatio, src.duration + s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat), style, template_id: effect?.template_id },
  };
};

const restyle: Builder = (f, { catalog: cat, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', true);
  const m = model(f, cat, 'videos/restyle');
  const restyleId = f.integer('restyle_id');
  if (restyleId !== undefined && !cat.restyles.some((r) => r.restyle_id === restyleId))
    throw new FieldError(`Parameter restyle_id: unknown restyle ${restyleId} (see GET videos/restyles)`);
  const spec = restyleSpec(cat, m, src.quality, src.duration);
  return {
    ...sourceOf(src),
    spec,
    output: output(src.quality, src.aspectRatio, src.duration, { width: src.width, height: src.height }),
    fields: { prompt, model: m, seed: readSeed(f, cat), restyle_id: restyleId },
  };
};

const fusion: Builder = (f, { catalog: cat, ...lookup }) => {
  const frames = [1, 2, 3].filter((i) => uploadPath(f, lookup, `frame_${i}_path`, 'image', i === 1) !== undefined);
  const prompt = readPrompt(f, cat, 'prompt', true)!;
  for (const ref of prompt.matchAll(/@pic(\d+)/g))
    if (!frames.includes(Number(ref[1]))) throw new FieldError(`prompt refers to @pic${ref[1]} but frame_${ref[1]}_path is not given`);
  const m = model(f, cat, 'videos/create-fusion');
  const s = settings(f, cat, m);
  return {
    spec: { endpoint: 'videos/create-fusion', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
};

const transition: Builder = (f, { catalog: cat, ...lookup }) => {
  let count = 0;
  for (let i = 1; i <= 7; i++) {
    const path = uploadPath(f, lookup, `frame_${i}_path`, 'image', i <= 2);
    if (path !== undefined) {
      if (count !== i - 1) throw new FieldError(`frame_${i}_path is given but frame_${i - 1}_path is not: frames must be consecutive`);
      count = i;
    }
  }
  const segments: number[] = [];
  for (let i = 1; i < count; i++) {
    segments.push(f.integer(`duration_${i}_to_${i + 1}`, { min: 1 }) ?? 5);
    readPrompt(f, cat, `prompt_${i}_to_${i + 1}`, false);
  }
  const m = model(f, cat, 'videos/create-transition', count);
  const s = settings(f, cat, m);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, cat, 'lip_sync_tts_speaker_id');
  const total = segments.reduce((a, b) => a + b, 0);
  return {
    spec: { endpoint: 'videos/create-transition', model: m, quality: s.quality, ...motionOf(s), segments, ...s.flags },
    output: output(s.quality, s.aspectRatio, total),
    fields: { prompt: f.raw.prompt_1_to_2, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
};

const lipsync: Builder = (f, { catalog: cat, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const audio = uploadPath(f, lookup, 'audio_path', 'audio');
  const prompt = readPrompt(f, cat, 'prompt', false, 200);
  if (audio === undefined && prompt === undefined) throw new FieldError('Parameter audio_path or prompt is required');
  voice(f, cat, 'speaker_id');
  f.boolean('original_sound_switch');
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/lipsync', sourceDuration: src.duration },
    output: output(src.quality, src.aspectRatio, src.duration, { width: src.width, height: src.height }),
    fields: { prompt, audio_path: audio, model: defaultModelFor(cat, 'videos/lipsync') },
  };
};

const upscale: Builder = (f, { catalog: cat, ...lookup }) => {
  const src = completedVideo(lookup, f.string('video_id', { required: true })!);
  if (src.output.upscaled) throw new FieldError(`Parameter video_id: video ${src.videoId} is already upscaled`);
  return {
    sourceEmail: src.email,
    spec: { endpoint: 'videos/upscale', sourceDuration: src.output.duration },
    output: { ...src.output, ...upscaleSize(src.output.width, src.output.height), upscaled: true, originalVideoId: src.videoId },
    fields: { prompt: src.fields.prompt, model: src.fields.model, seed: src.fields.seed ?? readSeed(f, cat) },
  };
};

const BUILDERS: Record<Endpoint, Builder> = {
  'videos/create': create,
  'videos/create-frames': createFrames,
  'videos/extend': extend,
  'videos/restyle': restyle,
  'videos/create-fusion': fusion,
  'videos/create-transition': transition,
  'videos/lipsync': lipsync,
  'videos/upscale': upscale,
};
