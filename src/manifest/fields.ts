/**
 * Which job fields each kind of job accepts, and the API wire name of every setting. One table, so the
 * schema docs, the "field does not apply" check and the request builder agree.
 */
import type { JobKind } from '../model.js';
import type { SettingName } from './types.js';

/** The field that makes a job this kind; a job without one is a create job. */
export const KIND_KEYS = ['frames', 'extend', 'restyle', 'fusion', 'transition', 'lipsync', 'upscale'] as const satisfies readonly JobKind[];

/** Fields every job may have. */
export const COMMON_FIELDS = ['description', 'vars', 'matrix', 'then', 'offPeak'] as const;

/** Fields of each kind besides the common ones. */
export const KIND_FIELDS: Record<JobKind, readonly string[]> = {
  create: ['prompt', 'negativePrompt', 'image', 'lastImage', 'images', 'effect', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'style', 'sound', 'autoSound', 'speech'],
  frames: ['frames', 'prompt', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'sound', 'autoSound', 'speech'],
  extend: ['extend', 'prompt', 'negativePrompt', 'model', 'quality', 'duration', 'motion', 'seed', 'style'],
  restyle: ['restyle', 'prompt', 'style', 'model', 'seed'],
  fusion: ['fusion', 'prompt', 'model', 'quality', 'duration', 'aspect', 'seed'],
  transition: ['transition', 'prompt', 'prompts', 'durations', 'model', 'quality', 'duration', 'seed', 'sound', 'autoSound', 'speech'],
  lipsync: ['lipsync'],
  upscale: ['upscale'],
};

/** Matrix keys that also set the job field of the same name (when the job's kind accepts it). */
export const MATRIX_FIELDS: readonly string[] = [
  'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'offPeak', 'negativePrompt', 'style', 'sound', 'autoSound',
  'prompt', 'effect', 'image', 'lastImage',
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
};

/** Kinds whose request takes a seed (upscale and lipsync take none). */
export const SEEDED_KINDS: readonly JobKind[] = ['create', 'frames', 'extend', 'restyle', 'fusion', 'transition'];

export function acceptsField(kind: JobKind, field: string): boolean {
  return (COMMON_FIELDS as readonly string[]).includes(field) || KIND_FIELDS[kind].includes(field);
}

/** The kind of a job from its source fields; `extra` lists further source fields (a job has one). */
export function kindOf(spec: object): { kind: JobKind; extra: string[] } {
  const present = KIND_KEYS.filter((k) => k in spec);
  return { kind: present[0] ?? 'create', extra: present.slice(1) };
}
