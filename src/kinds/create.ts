/** Text- or image-to-video (POST videos/create), optionally through an effect template. */
import { closest, type EffectSpec } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadPath } from '../sim/sources.js';
import { FieldError, readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, template, voice, output, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { checkPrompts, checkStyle, speech } from './shared.js';
import { defineKind, fieldTypes, has } from './types.js';

export const create = defineKind({
  kind: 'create',
  key: null,
  endpoint: 'videos/create',
  fieldTypes: fieldTypes<{ image?: FrameRefSpec; lastImage?: FrameRefSpec; effect?: string }>(),
  fields: ['prompt', 'negativePrompt', 'image', 'lastImage', 'effect', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'style', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode', 'speech'],
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
    effect: {
      description: 'Create jobs: an effect template by display name (GET videos/effects, matched case-insensitively) → `template_id`. The template decides the model; the quality must be one the effect offers.',
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
  const effect = findEffect(b);
  const image = b.field<FrameRefSpec>('image');
  const lastImage = b.field<FrameRefSpec>('lastImage');
  const first = image === undefined ? undefined : b.refs.image(image, b.pathOf('image'), 'last');
  if (first) b.inputs.first_frame_path = first;
  const last = lastImage === undefined ? undefined : b.refs.image(lastImage, b.pathOf('lastImage'), 'first');
  if (last) b.inputs.last_frame_path = last;
  const twoImages = effect?.effect_type === '2';
  if (effect && twoImages && (image === undefined || lastImage === undefined))
    b.error('effect-images', `effect "${effect.display_name}" takes two images: set image and lastImage`, b.at(b.pathOf('effect')));
  // effect_type is the number of images a template animates (API reference §8.19): never zero.
  if (effect && !twoImages && image === undefined)
    b.error('effect-images', `effect "${effect.display_name}" animates an image: set image`, b.at(b.pathOf('effect')));
  if (lastImage !== undefined && effect && !twoImages)
    b.error('effect-images', `effect "${effect.display_name}" takes one image; lastImage is only for two-image effects`, b.at(b.pathOf('lastImage')));
  if (lastImage !== undefined && !effect)
    b.error('effect-images', 'lastImage is only for two-image effects; use frames: {first, last} to render between two images', b.at(b.pathOf('lastImage')));
  // A template renders at its first quality unless the job asks for one (the model's default is not the template's).
  if (effect && b.settings.quality?.origin.from === 'tool' && effect.qualities[0]) b.settings.quality = { value: effect.qualities[0], origin: { from: 'tool' } };
  const quality = b.value('quality');
  if (effect && quality !== undefined && !effect.qualities.includes(quality))
    b.error('effect-quality', `effect "${effect.display_name}" does not render at ${quality}`, b.settingLocation('quality'), {
      hint: `it offers ${effect.qualities.join(', ')}`,
    });
  const prompt = b.field<string>('prompt');
  if (prompt === undefined && !effect) b.error('missing-prompt', `job "${b.inst.id}" needs a prompt (or an effect)`, b.inst.location);
  // The template decides the model (API reference §8.10): no model is sent with an effect.
  if (effect && b.inst.own.model !== undefined)
    b.ctx.warn('ignored-field', 'model is not sent with an effect: the template decides the model', b.at(b.pathOf('model')));
  if (!effect) b.putSettings('model');
  b.put('prompt', prompt);
  b.putSettings('negativePrompt', 'quality', 'duration', 'motion');
  if (image === undefined) b.putSettings('aspect'); // image-to-video follows the image
  b.putSettings('style', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode');
  speech(b);
  b.putSettings('seed');
  b.put('template_id', effect?.template_id);
  checkStyle(b);
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality, duration: b.value('duration'), motion: b.value('motion') });
}

function findEffect(b: RequestBuilder): EffectSpec | undefined {
  const name = b.field<string>('effect');
  if (name === undefined) return undefined;
  const effects = b.ctx.catalog.effects;
  const effect = effects.find((e) => e.display_name.toLowerCase() === name.toLowerCase() || String(e.template_id) === name);
  if (!effect) {
    const guess = closest(name, effects.map((e) => e.display_name));
    b.error('unknown-effect', `unknown effect "${name}"`, b.at(b.pathOf('effect')), {
      hint: guess ? `did you mean "${guess}"?` : 'run `pixrender models` to list effects',
    });
  }
  return effect;
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, ...lookup }: GenerationContext): SimBuilt {
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
}
