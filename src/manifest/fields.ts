/**
 * Which job fields each kind of job accepts (declared by the kinds, src/kinds), and the API wire name of
 * every setting, so the schema, the "field does not apply" check and the request builder agree.
 */
import { DEFAULT_KIND, KIND_KEYS, KINDS, type JobKind } from '../kinds/index.js';
import type { SettingName } from './types.js';

/** The field that makes a job this kind; a job without one is a create job. */
export { KIND_KEYS };

/** Fields every job may have. */
export const COMMON_FIELDS = ['description', 'vars', 'matrix', 'then', 'offPeak'] as const;

/** Fields of each kind besides the common ones. */
export const KIND_FIELDS = Object.fromEntries(KINDS.map((k) => [k.kind, k.fields])) as Record<JobKind, readonly string[]>;

/** Matrix keys that also set the job field of the same name (when the job's kind accepts it). */
export const MATRIX_FIELDS: readonly string[] = [
  'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'offPeak', 'negativePrompt', 'style', 'sound', 'autoSound',
  'audio', 'multiShot', 'previewMode', 'prompt', 'effect', 'image', 'lastImage',
];

/** Wire names of the settings that become request fields as they are. */
export const SETTING_WIRE: Partial<Record<SettingName, string>> = {
  model: 'model',
  quality: 'quality',
  duration: 'duration',
  motion: 'motion_mode',
  aspect: 'aspect_ratio',
  seed: 'seed',
  negativePrompt: 'negative_prompt',
  style: 'style',
  sound: 'sound_effect_prompt',
  autoSound: 'auto_sound',
  audio: 'audio',
  multiShot: 'multi_shot',
  previewMode: 'preview_mode',
};

/** Kinds whose request takes a seed (upscale and lipsync take none). */
export const SEEDED_KINDS: readonly JobKind[] = KINDS.flatMap((k) => (k.seeded ? [k.kind] : []));

export function acceptsField(kind: JobKind, field: string): boolean {
  return (COMMON_FIELDS as readonly string[]).includes(field) || KIND_FIELDS[kind].includes(field);
}

/** The kind of a job from its source fields; `extra` lists further source fields (a job has one). */
export function kindOf(spec: object): { kind: JobKind; extra: string[] } {
  const present = KIND_KEYS.filter((k) => k in spec);
  return { kind: present[0] ?? DEFAULT_KIND, extra: present.slice(1) };
}
