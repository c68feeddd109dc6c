/**
 * The manifest's side of templates: an effect, voice or restyle preset named in a job becomes its id
 * from the lists (src/templates/types.ts), is recorded with its name on the job (the lock keeps both),
 * and brings its own rules: the images it animates, its qualities, its duration and price.
 *
 * Images: `image` (+ `lastImage`) for one- and two-image effects, or `images: [a, b, …]` for any count;
 * they go out as first_frame_path/last_frame_path, or frame_1_path … frame_N_path for three and more.
 */
import type { InputRef } from '../model.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { YamlPath } from '../manifest/source.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { findEffect, findRestyle, findVoice, notFoundHint, type Found } from './resolve.js';
import { imageCount, templateCredits, type EffectTemplate, type RestyleTemplate, type VoiceTemplate } from './types.js';

function unavailable(b: RequestBuilder, what: string, name: string, path: YamlPath, code: string): void {
  b.error(code, `cannot look up ${what} "${name}": ${b.ctx.templates.unavailable}`, b.at(path), {
    hint: 'connect once (any command with the token set), or run `pixrender models --refresh`',
  });
}

function resolved<T>(b: RequestBuilder, found: Found<T>, what: string, name: string, path: YamlPath, code: string): T | undefined {
  if (found.ok) return found.value;
  if (b.ctx.templates.unavailable !== undefined && found.known === 0) unavailable(b, what, name, path, code);
  else b.error(code, `unknown ${what} "${name}"`, b.at(path), { hint: notFoundHint(found, `${what}s`) });
  return undefined;
}

/** The job's `effect`, by name or id; recorded on the job with its price and duration. */
export function jobEffect(b: RequestBuilder): EffectTemplate | undefined {
  const name = b.field<string>('effect');
  if (name === undefined) return undefined;
  const effect = resolved(b, findEffect(b.ctx.templates, name), 'effect', name, b.pathOf('effect'), 'unknown-effect');
  if (!effect) return undefined;
  if (effect.template_type === 2)
    b.error('effect-image-template', `effect "${effect.display_name}" makes an image, not a video`, b.at(b.pathOf('effect')), { hint: 'choose a video template (template_type 1)' });
  b.templates.effect = { id: String(effect.template_id), name: effect.display_name, credits: templateCredits(effect), duration: effect.duration, images: imageCount(effect), qualities: effect.qualities };
  return effect;
}

/** A voice by name or speaker id (lipsync `voice`, create `speech.voice`). */
export function jobVoice(b: RequestBuilder, name: string | undefined, path: YamlPath): VoiceTemplate | undefined {
  if (name === undefined) return undefined;
  const voice = resolved(b, findVoice(b.ctx.templates, name), 'voice', name, path, 'unknown-voice');
  if (voice) b.templates.voice = { id: voice.speaker_id, name: voice.display_name };
  return voice;
}

/** A restyle preset by name or id. */
export function jobRestyle(b: RequestBuilder, name: string, path: YamlPath): RestyleTemplate | undefined {
  const preset = resolved(b, findRestyle(b.ctx.templates, name), 'restyle preset', name, path, 'unknown-style');
  if (preset) b.templates.restyle = { id: String(preset.restyle_id), name: preset.display_name };
  return preset;
}

/**
 * The images of a create job: checked against the effect's image count, put into `b.inputs`. Without an
 * effect only `image` applies (image-to-video).
 */
export function effectImages(b: RequestBuilder, effect: EffectTemplate | undefined): void {
  const image = b.field<FrameRefSpec>('image');
  const lastImage = b.field<FrameRefSpec>('lastImage');
  const images = b.field<FrameRefSpec[]>('images');
  const effectAt = b.at(b.pathOf('effect'));
  if (!effect) {
    if (lastImage !== undefined)
      b.error('effect-images', 'lastImage is only for two-image effects; use frames: {first, last} to render between two images', b.at(b.pathOf('lastImage')));
    if (images !== undefined) b.error('effect-images', 'images is only for multi-image effects; use fusion to combine reference images', b.at(b.pathOf('images')));
    put(b, 'first_frame_path', image, 'image', 'last');
    return;
  }
  // effect_type N accepts 2…N images (reference §4.1); a one-image effect exactly one.
  const wanted = imageCount(effect);
  const takes = wanted === 1 ? 'one image' : wanted === 2 ? 'two images' : `2 to ${wanted} images`;
  if (images !== undefined && (image !== undefined || lastImage !== undefined)) {
    b.error('effect-images', 'give the effect its images either as image/lastImage or as images, not both', b.at(b.pathOf('images')));
    return;
  }
  if (images !== undefined) {
    if (wanted === 1 ? images.length !== 1 : images.length < 2 || images.length > wanted)
      b.error('effect-images', `effect "${effect.display_name}" takes ${takes}; images has ${images.length}`, b.at(b.pathOf('images')), { ...(effect.example_text ? { hint: effect.example_text } : {}) });
    const path = b.pathOf('images');
    const fields = images.length <= 2 ? ['first_frame_path', 'last_frame_path'] : images.map((_, i) => `frame_${i + 1}_path`);
    images.forEach((ref, i) => {
      const input = fields[i] && b.refs.image(ref, [...path, i], i === 0 ? 'last' : 'first');
      if (input && fields[i]) b.inputs[fields[i]] = input;
    });
    return;
  }
  const given = (image !== undefined ? 1 : 0) + (lastImage !== undefined ? 1 : 0);
  if (wanted >= 2 && given < 2)
    b.error('effect-images', `effect "${effect.display_name}" takes ${takes}: set image and lastImage${wanted > 2 ? ', or list them under images' : ''}`, effectAt, { ...(effect.example_text ? { hint: effect.example_text } : {}) });
  else if (wanted === 1 && image === undefined) b.error('effect-images', `effect "${effect.display_name}" animates an image: set image`, effectAt);
  else if (wanted === 1 && lastImage !== undefined)
    b.error('effect-images', `effect "${effect.display_name}" takes one image; lastImage is only for two-image effects`, b.at(b.pathOf('lastImage')));
  put(b, 'first_frame_path', image, 'image', 'last');
  if (wanted >= 2) put(b, 'last_frame_path', lastImage, 'lastImage', 'first');
}

function put(b: RequestBuilder, wire: string, ref: FrameRefSpec | undefined, field: string, frame: 'first' | 'last'): void {
  if (ref === undefined) return;
  const input: InputRef | undefined = b.refs.image(ref, b.pathOf(field), frame);
  if (input) b.inputs[wire] = input;
}

/**
 * The quality an effect job sends: one the template offers. A quality nobody chose (the tool's default)
 * falls back to the template's first (reference §4.1); one the manifest or config sets is checked.
 */
export function effectQuality(b: RequestBuilder, effect: EffectTemplate | undefined): string | undefined {
  const quality = b.value('quality');
  if (!effect || quality === undefined || effect.qualities.length === 0) return quality;
  // A template renders at its first quality unless the job asks for one (the model's default is not the template's).
  if (b.settings.quality?.origin.from === 'tool') return effect.qualities[0];
  if (effect.qualities.includes(quality)) return quality;
  b.error('effect-quality', `effect "${effect.display_name}" does not render at ${quality}`, b.settingLocation('quality'), {
    hint: `it offers ${effect.qualities.join(', ')}`,
  });
  return quality;
}
