/**
 * Validates a generation request (one builder per endpoint, reference §8.10–8.17) and turns it into
 * what the simulator needs: the catalog RenderSpec (price, timing), the output geometry, the texts
 * moderation reads and the fields the video object echoes.
 */
import { checkCombination, closest, modelSupports, restyleSpec, type Catalog, type Endpoint, type RenderSpec } from '../catalog.js';
import type { Result } from '../diagnostic.js';
import { frameSize, upscaleSize } from './geometry.js';
import type { JobOutput } from './jobs.js';
import { completedVideo, sourceVideo, uploadPath, type SourceLookup, type SourceVideo } from './sources.js';
import { readTemplate, templateImages } from './templates.js';
import { templateCredits, type TemplateLists } from '../templates/types.js';
import { FieldError, Fields, readCommon, readPrompt, readSeed, type CommonFields } from './validation.js';

export interface GenerationContext extends SourceLookup {
  catalog: Catalog;
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

type Builder = (f: Fields, ctx: SourceLookup & { catalog: Catalog; templates: TemplateLists }) => Omit<GenerationRequest, 'endpoint' | 'common' | 'texts'>;

export function buildGeneration(endpoint: Endpoint, raw: Record<string, unknown>, ctx: GenerationContext): Result<GenerationRequest, string> {
  const f = new Fields(raw);
  try {
    const common = readCommon(f, ctx.catalog, { email: endpoint !== 'videos/upscale' });
    const built = BUILDERS[endpoint](f, ctx);
    // A template fixes model, duration and price: the catalog's model rules do not apply to it.
    const problem = built.spec.templateCredits === undefined ? checkCombination(ctx.catalog, built.spec) : null;
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

function model(f: Fields, cat: Catalog, endpoint: Endpoint): string {
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
function settings(f: Fields, cat: Catalog, defaults: { quality?: string } = {}) {
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

function voice(f: Fields, lists: TemplateLists, name: string): string | undefined {
  const id = f.id(name);
  if (id !== undefined && !lists.voices.some((v) => v.speaker_id === id)) throw new FieldError(`Parameter ${name}: unknown speaker ${id} (see GET videos/voices)`);
  return id;
}

const output = (quality: string, aspectRatio: string, duration: number, extra: Partial<JobOutput> = {}): JobOutput => ({
  ...frameSize(quality, aspectRatio),
  quality,
  aspectRatio,
  duration,
  upscaled: false,
  ...extra,
});

const sourceOf = (src: SourceVideo) => (src.job ? { sourceEmail: src.job.email } : {});

const create: Builder = (f, { catalog: cat, templates, ...lookup }) => {
  const effect = readTemplate(f, templates);
  const prompt = readPrompt(f, cat, 'prompt', effect === undefined);
  const m = model(f, cat, 'videos/create');
  const s = settings(f, cat);
  templateImages(f, lookup, effect);
  if (effect && !effect.qualities.includes(s.quality) && effect.qualities.length > 0) throw new FieldError(`Template ${effect.template_id} allows quality ${effect.qualities.join(', ')} only`);
  readPrompt(f, cat, 'negative_prompt', false);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, templates, 'lip_sync_tts_speaker_id');
  f.boolean('auto_sound');
  f.boolean('remove_watermark');
  const style = f.oneOf('style', cat.styles);
  const duration = effect?.duration ?? s.duration;
  return {
    spec: { endpoint: 'videos/create', model: m, quality: s.quality, duration, motion: s.motion, ...(effect ? { templateCredits: templateCredits(effect) } : {}) },
    output: output(s.quality, s.aspectRatio, duration),
    fields: { prompt, negative_prompt: f.raw.negative_prompt, model: effect?.model ?? m, motion_mode: s.motion, seed: readSeed(f, cat), style, template_id: effect?.template_id, template_name: effect?.display_name },
  };
};

const createFrames: Builder = (f, { catalog: cat, templates, ...lookup }) => {
  const prompt = readPrompt(f, cat, 'prompt', false);
  const m = model(f, cat, 'videos/create-frames');
  const s = settings(f, cat);
  uploadPath(f, lookup, 'first_frame_path', 'image', true);
  uploadPath(f, lookup, 'last_frame_path', 'image', true);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, templates, 'lip_sync_tts_speaker_id');
  f.boolean('remove_watermark');
  return {
    spec: { endpoint: 'videos/create-frames', model: m, quality: s.quality, duration: s.duration, motion: s.motion },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, motion_mode: s.motion, seed: readSeed(f, cat) },
  };
};

const extend: Builder = (f, { catalog: cat, templates, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', false);
  readPrompt(f, cat, 'negative_prompt', false);
  const effect = readTemplate(f, templates);
  const m = model(f, cat, 'videos/extend');
  const s = settings(f, cat, { quality: cat.models[m]?.qualities.includes(src.quality) ? src.quality : '540p' });
  const style = f.oneOf('style', cat.styles);
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/extend', model: m, quality: s.quality, duration: s.duration, motion: s.motion },
    output: output(s.quality, src.aspectRatio, src.duration + s.duration),
    fields: { prompt, model: m, motion_mode: s.motion, seed: readSeed(f, cat), style, template_id: effect?.template_id },
  };
};

const restyle: Builder = (f, { catalog: cat, templates, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', true);
  const m = model(f, cat, 'videos/restyle');
  const restyleId = f.integer('restyle_id');
  if (restyleId !== undefined && !templates.restyles.some((r) => r.restyle_id === restyleId))
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
  const s = settings(f, cat);
  return {
    spec: { endpoint: 'videos/create-fusion', model: m, quality: s.quality, duration: s.duration, motion: s.motion },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, motion_mode: s.motion, seed: readSeed(f, cat) },
  };
};

const transition: Builder = (f, { catalog: cat, templates, ...lookup }) => {
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
  const m = model(f, cat, 'videos/create-transition');
  const s = settings(f, cat);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, templates, 'lip_sync_tts_speaker_id');
  const total = segments.reduce((a, b) => a + b, 0);
  return {
    spec: { endpoint: 'videos/create-transition', model: m, quality: s.quality, motion: s.motion, segments },
    output: output(s.quality, s.aspectRatio, total),
    fields: { prompt: f.raw.prompt_1_to_2, model: m, motion_mode: s.motion, seed: readSeed(f, cat) },
  };
};

const lipsync: Builder = (f, { catalog: cat, templates, ...lookup }) => {
  const src = sourceVideo(f, lookup);
  const audio = uploadPath(f, lookup, 'audio_path', 'audio');
  const prompt = readPrompt(f, cat, 'prompt', false, 200);
  if (audio === undefined && prompt === undefined) throw new FieldError('Parameter audio_path or prompt is required');
  voice(f, templates, 'speaker_id');
  f.boolean('original_sound_switch');
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/lipsync', sourceDuration: src.duration },
    output: output(src.quality, src.aspectRatio, src.duration, { width: src.width, height: src.height }),
    fields: { prompt, audio_path: audio, model: 'v4' },
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
