/** Text- or image-to-video (POST videos/create), optionally through an effect template. */
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadPath } from '../sim/sources.js';
import { FieldError, readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, template, voice, output, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { effectImages, effectQuality, jobEffect } from '../templates/manifest.js';
import { templateCredits } from '../templates/types.js';
import { templateImages } from '../sim/templates.js';
import { checkPrompts, checkStyle, speech } from './shared.js';
import { defineKind, fieldTypes, has } from './types.js';

export const create = defineKind({
  kind: 'create',
  key: null,
  endpoint: 'videos/create',
  fieldTypes: fieldTypes<{ image?: FrameRefSpec; lastImage?: FrameRefSpec; /** Every image of a multi-image effect, in order. */ images?: FrameRefSpec[]; effect?: string }>(),
  fields: ['prompt', 'negativePrompt', 'image', 'lastImage', 'images', 'effect', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'style', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode', 'speech'],
  seeded: true,
  schema: {
    image: {
      $ref: '#/$defs/frameRef',
      description: 'Create jobs: the first frame (`first_frame_path`) → image-to-video. An asset, a path, or a job (its last frame).',
      examples: ['hero'],
    },
    lastImage: {
      $ref: '#/$defs/frameRef',
      description: 'Create jobs with a two-image effect: the second image (`last_frame_path`). An asset, a path, or a job (its first frame).',
      examples: ['cup'],
    },
    images: {
      description: "Create jobs with an effect: all of its images in order, as many as the effect's `effect_type` (1–5). Two go out as `first_frame_path`/`last_frame_path`, three and more as `frame_1_path` … `frame_5_path`. Instead of `image`/`lastImage`.",
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: { $ref: '#/$defs/frameRef' },
      examples: [['mum', 'dad', 'kid']],
    },
    effect: {
      description: 'Create jobs: an effect template by display name (GET videos/effects, matched case-insensitively) or id → `template_id`. The template decides the model, the duration and the price (`video_base_cost + fixed_cost`); the quality must be one the effect offers (default: its first).',
      type: 'string',
      minLength: 1,
      examples: ['Cinematic Zoom'],
    },
  },
  needs: [has('prompt'), has('effect'), { ...has('matrix'), properties: { matrix: { type: 'object', anyOf: [has('prompt'), has('effect')] } } }],
  build,
  sim: { build: simulate },
  plan: { length: 'duration', seconds: 'own', quality: 'own' },
  relation: 'uses a frame of',
});

function build(b: RequestBuilder): void {
  const effect = jobEffect(b);
  effectImages(b, effect);
  const image = b.field<FrameRefSpec>('image') ?? b.field<FrameRefSpec[]>('images');
  const quality = effectQuality(b, effect);
  const prompt = b.field<string>('prompt');
  if (prompt === undefined && !effect) b.error('missing-prompt', `job "${b.inst.id}" needs a prompt (or an effect)`, b.inst.location);
  // The template decides the model (API reference §8.10): no model is sent with an effect.
  if (effect && b.inst.own.model !== undefined)
    b.ctx.warn('ignored-field', 'model is not sent with an effect: the template decides the model', b.at(b.pathOf('model')));
  if (!effect) b.putSettings('model');
  b.put('prompt', prompt);
  b.putSettings('negativePrompt');
  b.put('quality', quality);
  // A template fixes the duration (reference §4.1): none is sent with an effect.
  b.putSettings(...(effect ? [] : ['duration' as const]), 'motion');
  if (image === undefined) b.putSettings('aspect'); // image-to-video follows the image
  b.putSettings('style', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode');
  speech(b);
  b.putSettings('seed');
  b.put('template_id', effect?.template_id);
  checkStyle(b);
  checkPrompts(b);
  if (!effect) b.checkRender({ model: b.value('model'), quality, duration: b.value('duration'), motion: b.value('motion') });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const effect = template(f, templates);
  const prompt = readPrompt(f, cat, 'prompt', effect === undefined);
  const m = model(f, cat, 'videos/create');
  // A template renders at its first quality unless the request names one.
  const s = settings(f, cat, m, effect ? { quality: effect.qualities[0] } : {});
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
    spec: { endpoint: 'videos/create', model: m, quality: s.quality, duration, ...motionOf(s), ...s.flags, ...(effect ? { templateCredits: templateCredits(effect) } : {}) },
    output: output(s.quality, s.aspectRatio, duration),
    fields: { prompt, negative_prompt: f.raw.negative_prompt, model: effect?.model ?? m, ...echo(s), seed: readSeed(f, cat), style, template_id: effect?.template_id, template_name: effect?.display_name },
  };
}
