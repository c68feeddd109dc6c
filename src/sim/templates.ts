/**
 * The simulator's template checks (2026 reference §4.1, §6): a `template_id` must be in the list it
 * serves, and the request must carry exactly the images the template animates — `first_frame_path` (+
 * `last_frame_path`) or `frame_1_path … frame_N_path`, never both forms.
 */
import { imageCount, type EffectTemplate, type TemplateLists } from '../templates/types.js';
import { uploadPath, type SourceLookup } from './sources.js';
import { FieldError, type Fields } from './validation.js';

export function readTemplate(f: Fields, lists: TemplateLists): EffectTemplate | undefined {
  const id = f.integer('template_id');
  if (id === undefined) return undefined;
  const effect = lists.effects.find((e) => e.template_id === id);
  if (!effect) throw new FieldError(`Parameter template_id: unknown template ${id} (see GET videos/effects)`);
  if (effect.template_type !== 1) throw new FieldError(`Template ${id} makes an image (template_type ${effect.template_type}); this simulator renders video templates only`);
  return effect;
}

/** Checks the images against the template (or their absence without one); returns how many were given. */
export function templateImages(f: Fields, lookup: SourceLookup, effect: EffectTemplate | undefined): number {
  const first = uploadPath(f, lookup, 'first_frame_path', 'image');
  const last = uploadPath(f, lookup, 'last_frame_path', 'image');
  const numbered: number[] = [];
  for (let i = 1; i <= 5; i++) if (uploadPath(f, lookup, `frame_${i}_path`, 'image') !== undefined) numbered.push(i);
  if (numbered.length > 0 && (first !== undefined || last !== undefined))
    throw new FieldError('frame_N_path and first_frame_path/last_frame_path are mutually exclusive');
  if (numbered.some((n, i) => n !== i + 1)) throw new FieldError('frame_N_path must be consecutive from frame_1_path');
  const given = numbered.length > 0 ? numbered.length : (first !== undefined ? 1 : 0) + (last !== undefined ? 1 : 0);
  if (last !== undefined && first === undefined) throw new FieldError('last_frame_path needs first_frame_path');
  if (!effect) {
    if (last !== undefined || numbered.length > 0)
      throw new FieldError('last_frame_path and frame_N_path need a multi-image template (effect_type "2"…"5"); use videos/create-frames for first/last frame videos');
    return given;
  }
  // effect_type N accepts 2…N images (reference §4.1); a one-image template exactly one.
  const wanted = imageCount(effect);
  if (wanted === 1 ? given !== 1 : given < 2 || given > wanted)
    throw new FieldError(
      `Template ${effect.template_id} takes ${wanted === 1 ? '1 image (first_frame_path)' : `2 to ${wanted} images (first_frame_path + last_frame_path, or frame_1_path … frame_${wanted}_path)`}, effect_type "${effect.effect_type}"; got ${given}`,
    );
  return given;
}
