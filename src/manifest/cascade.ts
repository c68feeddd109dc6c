/**
 * The settings cascade: tool defaults < project config defaults < manifest defaults < job fields <
 * matrix values (for then-steps: … < the job's fields < the step's fields). Each resolved value keeps
 * where it came from, so a diagnostic about it can point at the line that set it.
 */
import { createHash } from 'node:crypto';
import { defaultModelFor, type Catalog, type Endpoint } from '../catalog.js';
import type { YamlPath } from './source.js';
import { SETTING_NAMES, type SettingName, type Settings } from './types.js';

export type Origin = { from: 'tool' } | { from: 'config' } | { from: 'manifest'; path: YamlPath };

export type ResolvedSettings = { [K in SettingName]?: { value: NonNullable<Settings[K]>; origin: Origin } };

export interface SettingsLayer {
  values: Settings | undefined;
  origin: (field: SettingName) => Origin;
}

/**
 * Tool defaults; the seed has none here because it is derived from the job id (see deriveSeed). The
 * model is the endpoint's default (`frames`: a transition's frame count); quality and motion depend on
 * the model the cascade settles on (see modelDefaults).
 */
export function toolDefaults(catalog: Catalog, endpoint: Endpoint = 'videos/create', frames = 2): Settings {
  return { model: defaultModelFor(catalog, endpoint, frames), duration: 5, aspect: '16:9', offPeak: 'never' };
}

/** The model's default quality, and motion `normal` on the Aug-2025 models that still take motion_mode. */
export function modelDefaults(catalog: Catalog, model: string | undefined): Settings {
  const spec = model === undefined ? undefined : catalog.models[model];
  if (!spec) return {};
  return { quality: spec.defaultQuality, ...(spec.motions.length > 0 ? { motion: 'normal' } : {}) };
}

export function cascade(layers: readonly SettingsLayer[]): ResolvedSettings {
  const out: Record<string, { value: unknown; origin: Origin }> = {};
  for (const layer of layers) {
    if (!layer.values) continue;
    for (const name of SETTING_NAMES) {
      const value = layer.values[name];
      if (value !== undefined && value !== null) out[name] = { value, origin: layer.origin(name) };
    }
  }
  return out as ResolvedSettings;
}

/** Only the settings present in `values` (used to pass a job's own settings on to its then-steps). */
export function manifestLayer(values: Settings | undefined, pathOf: (field: SettingName) => YamlPath): SettingsLayer {
  return { values, origin: (field) => ({ from: 'manifest', path: pathOf(field) }) };
}

/**
 * The seed of a job that sets none anywhere: derived from its id, so it is stable across runs and
 * machines and differs between jobs: 1 + (first 4 bytes of sha256("pixrender-seed:" + id) as an
 * unsigned big-endian integer) mod 2147483647.
 */
export function deriveSeed(id: string): number {
  const digest = createHash('sha256').update(`pixrender-seed:${id}`).digest();
  return 1 + (digest.readUInt32BE(0) % 2147483647);
}
