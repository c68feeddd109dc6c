/**
 * The manifest as written, after YAML parsing and schema validation (schemas/manifest.schema.json).
 * These shapes mirror the schema; resolve.ts turns them into ResolvedManifest (src/model.ts).
 */
import type { OffPeakPolicy } from '../model.js';

export type Scalar = string | number | boolean;

/** The settings that cascade: tool < project config defaults < manifest defaults < job < matrix. */
export interface Settings {
  model?: string;
  quality?: string;
  duration?: number;
  motion?: string;
  aspect?: string;
  seed?: number;
  offPeak?: OffPeakPolicy;
  negativePrompt?: string;
  style?: string;
  sound?: string;
  autoSound?: boolean;
}

export const SETTING_NAMES = [
  'model',
  'quality',
  'duration',
  'motion',
  'aspect',
  'seed',
  'offPeak',
  'negativePrompt',
  'style',
  'sound',
  'autoSound',
] as const satisfies readonly (keyof Settings)[];
export type SettingName = (typeof SETTING_NAMES)[number];

export const OFF_PEAK_POLICIES: readonly OffPeakPolicy[] = ['never', 'always', 'auto'];

/** An image input: asset name, path, job name/id, or an explicit frame of a job. */
export type FrameRefSpec = string | { job: string; frame?: 'first' | 'last' };

export interface SpeechSpec {
  text: string;
  voice?: string;
}

export interface LipsyncSpeechSpec {
  text?: string;
  voice?: string;
  audio?: string;
  keepOriginalSound?: boolean;
  offPeak?: OffPeakPolicy;
}

export interface LipsyncJobSpec extends Omit<LipsyncSpeechSpec, 'offPeak'> {
  video: string;
}

export interface ExtendStepSpec extends Omit<Settings, 'aspect' | 'sound' | 'autoSound'> {
  prompt?: string;
}
export interface RestyleStepSpec {
  style?: string;
  prompt?: string;
  model?: string;
  seed?: number;
  offPeak?: OffPeakPolicy;
}
export type ThenStepSpec =
  | { extend: ExtendStepSpec | null }
  | { upscale: Record<string, never> | null }
  | { restyle: RestyleStepSpec }
  | { lipsync: LipsyncSpeechSpec };

export interface JobSpec extends Settings {
  description?: string;
  prompt?: string;
  vars?: Record<string, Scalar>;
  speech?: SpeechSpec;
  image?: FrameRefSpec;
  lastImage?: FrameRefSpec;
  /** Every image of a multi-image effect, in order. */
  images?: FrameRefSpec[];
  effect?: string;
  frames?: { first: FrameRefSpec; last: FrameRefSpec };
  extend?: string;
  restyle?: string;
  fusion?: { images: Record<string, FrameRefSpec> };
  transition?: FrameRefSpec[];
  durations?: number[];
  prompts?: string[];
  lipsync?: LipsyncJobSpec;
  upscale?: string;
  then?: ThenStepSpec[];
  matrix?: Record<string, Scalar[]>;
}

export interface PostStepSpec {
  concat?: string[];
  contactSheet?: 'all' | string[];
  output?: string;
}

export interface ManifestSpec {
  version: 1;
  name?: string;
  description?: string;
  defaults?: Settings;
  schedule?: { deadline?: string };
  budget?: { credits?: number };
  vars?: Record<string, Scalar>;
  assets?: Record<string, string>;
  jobs: Record<string, JobSpec>;
  post?: PostStepSpec[];
  output?: { dir?: string; file?: string };
}

/** Manifest `defaults` as used by the project config (same fields). */
export type ManifestDefaults = Settings;
