/**
 * Builds one job's request: the cascaded settings, the params (wire names, JSON-plain, in a fixed
 * order) and the run-time inputs, with the catalog checks that need the resolved values.
 */
import { checkCombination, closest, modelSupports, type RenderSpec } from '../catalog.js';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import { ENDPOINT_OF_KIND, type InputRef, type JobTemplates } from '../model.js';
import { jobVoice } from '../templates/manifest.js';
import type { VoiceTemplate } from '../templates/types.js';
import type { ResolveContext } from './context.js';
import { cascade, deriveSeed, modelDefaults, toolDefaults, type Origin, type ResolvedSettings, type SettingsLayer } from './cascade.js';
import type { JobInstance } from './expand.js';
import { SEEDED_KINDS, SETTING_WIRE } from './fields.js';
import { InputResolver } from './inputs.js';
import type { YamlPath } from './source.js';
import type { SettingName, Settings } from './types.js';

/** Warnings already given per manifest, by code and place: a defaults line that many jobs inherit warns once. */
const warned = new WeakMap<ResolveContext, Set<string>>();

export class RequestBuilder {
  readonly params: Record<string, string | number | boolean> = {};
  readonly inputs: Record<string, InputRef> = {};
  /** The templates the job names (filled by src/templates/manifest.ts). */
  readonly templates: JobTemplates = {};
  readonly settings: ResolvedSettings;
  readonly refs: InputResolver;

  constructor(
    readonly ctx: ResolveContext,
    readonly inst: JobInstance,
  ) {
    const configDefaults: SettingsLayer = { values: ctx.config.defaults, origin: () => ({ from: 'config' }) };
    const manifestDefaults: SettingsLayer = {
      values: ctx.spec.defaults,
      origin: (f) => ({ from: 'manifest', path: ['defaults', f] }),
    };
    const frames = Array.isArray(inst.fields['transition']) ? (inst.fields['transition'] as unknown[]).length : 2;
    const tool: SettingsLayer = { values: toolDefaults(ctx.catalog, ENDPOINT_OF_KIND[inst.kind], frames), origin: () => ({ from: 'tool' }) };
    const layers = [tool, configDefaults, manifestDefaults, ...inst.layers];
    const settled = cascade(layers);
    // Quality and motion defaults follow the model the cascade settled on (v6 720p, v5.x 540p).
    const byModel: SettingsLayer = { values: modelDefaults(ctx.catalog, settled.model?.value), origin: () => ({ from: 'tool' }) };
    this.settings = cascade([byModel, ...layers]);
    this.refs = new InputResolver(ctx, inst.id);
  }

  get endpoint() {
    return ENDPOINT_OF_KIND[this.inst.kind];
  }

  value<K extends SettingName>(name: K): NonNullable<Settings[K]> | undefined {
    return this.settings[name]?.value as NonNullable<Settings[K]> | undefined;
  }

  /**
   * Copies settings into params under their wire names, in the order given. A field the job's model no
   * longer takes (motion_mode, negative_prompt, style on today's models) is not sent, with a warning.
   */
  putSettings(...names: SettingName[]): void {
    for (const name of names) {
      if (name === 'seed') this.putSeed();
      else if (!this.gone(name)) this.put(SETTING_WIRE[name]!, this.value(name));
    }
  }

  /** Whether a set field is one the model no longer takes; warns where it was written. */
  private gone(name: SettingName): boolean {
    const wire = SETTING_WIRE[name]!;
    const model = this.ctx.catalog.models[String(this.value('model'))];
    if (this.value(name) === undefined || !model) return false;
    const gone = model.removedFields.includes(wire) || (name === 'motion' && model.motions.length === 0);
    const origin = this.settings[name]?.origin;
    if (gone && origin?.from !== 'tool' && this.firstWarning('field-gone', this.settingLocation(name)))
      this.ctx.warn('field-gone', `${name} (${wire}) is not sent: model ${model.name} no longer takes it`, this.settingLocation(name), {
        hint: name === 'motion' ? 'today\'s models have no motion modes; describe the motion in the prompt' : 'describe it in the prompt instead',
      });
    return gone;
  }

  put(wire: string, value: string | number | boolean | undefined): void {
    if (value !== undefined) this.params[wire] = value;
  }

  /** The seed: cascaded, else derived from the job id so re-renders reproduce. */
  putSeed(): void {
    if (SEEDED_KINDS.includes(this.inst.kind)) this.params.seed = this.value('seed') ?? deriveSeed(this.inst.id);
  }

  field<T>(name: string): T | undefined {
    return this.inst.fields[name] as T | undefined;
  }

  /** Where a field of this job was written (or the job itself). */
  pathOf(name: string): YamlPath {
    return this.inst.origins.get(name) ?? [...(this.inst.step?.path ?? ['jobs', this.inst.name]), name];
  }

  at(path: YamlPath): SourceLocation {
    return this.ctx.at(path);
  }

  /** Where a cascaded setting came from: its line in the manifest, else the job. */
  settingLocation(name: SettingName): SourceLocation {
    const origin = this.settings[name]?.origin;
    return origin?.from === 'manifest' ? this.ctx.at(origin.path) : this.inst.location;
  }

  error(code: string, message: string, location: SourceLocation, extra: Pick<Diagnostic, 'hint' | 'related'> = {}): void {
    this.ctx.error(code, message, location, extra);
  }

  /** Unknown model (did-you-mean), then the model × quality × duration × motion check of the endpoint. */
  checkRender(given: Omit<RenderSpec, 'endpoint'>): void {
    const cat = this.ctx.catalog;
    // The flags as sent (a kind that does not take one never puts it).
    const spec: Omit<RenderSpec, 'endpoint'> = { ...given, ...(this.params.audio === true ? { audio: true } : {}), ...(this.params.multi_shot === true ? { multiShot: true } : {}), ...(this.params.preview_mode === true ? { preview: true } : {}) };
    if (cat.models[String(spec.model)]?.motions.length === 0) delete spec.motion;
    const model = spec.model;
    if (model !== undefined && !cat.models[model]) {
      const guess = closest(model, Object.keys(cat.models));
      const origin = this.settings.model?.origin;
      this.error('unknown-model', `unknown model "${model}"${fromWhere(origin)}`, this.settingLocation('model'), {
        hint: guess ? `did you mean "${guess}"?` : `models: ${Object.keys(cat.models).join(', ')}`,
      });
      return;
    }
    const m = model === undefined ? undefined : cat.models[model];
    if (m && !m.listed && !m.listedOn.includes(this.endpoint) && this.settings.model?.value === model && this.settings.model?.origin.from !== 'tool' && this.firstWarning('model-not-listed', this.settingLocation('model')))
      this.ctx.warn('model-not-listed', `model ${model} is no longer listed by the API (2026); job "${this.inst.id}" may be refused`, this.settingLocation('model'), {
        hint: `today's default for ${this.endpoint} is ${cat.defaultModels[this.endpoint] ?? cat.defaultModel}; run \`pixrender models\``,
      });
    const reason = checkCombination(cat, { endpoint: this.endpoint, ...spec });
    if (!reason) return;
    const related: NonNullable<Diagnostic['related']> = [];
    const shown = { model: spec.model, quality: spec.quality, duration: spec.duration, motion: spec.motion, audio: spec.audio, multiShot: spec.multiShot, previewMode: spec.preview };
    for (const name of ['model', 'quality', 'duration', 'motion', 'audio', 'multiShot', 'previewMode'] as const) {
      const origin = this.settings[name]?.origin;
      if (origin?.from === 'manifest' && shown[name] !== undefined)
        related.push({ message: `${name} ${String(shown[name])} is set here`, location: this.ctx.at(origin.path) });
    }
    const supporting = Object.keys(cat.models).filter((m) => modelSupports(cat, m, this.endpoint));
    this.error('invalid-combination', `job "${this.inst.id}": ${reason}`, this.inst.location, {
      related,
      hint: /does not support/.test(reason)
        ? `models for ${this.endpoint}: ${supporting.join(', ') || 'none'}`
        : 'run `pixrender models` for the allowed combinations',
    });
  }

  /** True the first time a warning of `code` is given at `location` in this manifest. */
  private firstWarning(code: string, location: SourceLocation): boolean {
    const seen = warned.get(this.ctx) ?? new Set<string>();
    warned.set(this.ctx, seen);
    const key = `${code}@${location.file}:${location.range.offset}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }

  /** Where a cascaded setting was written, as a path (the job's own field when it came from elsewhere). */
  settingPath(name: SettingName): YamlPath {
    const origin = this.settings[name]?.origin;
    return origin?.from === 'manifest' ? origin.path : this.pathOf(name);
  }

  /** A text after variable expansion, within `limit` characters. */
  checkLength(text: string | undefined, path: YamlPath, limit: number, code = 'prompt-too-long', what = 'prompt'): void {
    if (text !== undefined && text.length > limit)
      this.error(code, `${what} is ${text.length} characters after variables are expanded; the limit is ${limit}`, this.at(path));
  }

  voice(name: string | undefined, path: YamlPath): VoiceTemplate | undefined {
    return jobVoice(this, name, path);
  }

  /** The off-peak policy; asking for `always` where off-peak does not exist is worth a warning. */
  offPeak(): 'never' | 'always' | 'auto' {
    const policy = this.value('offPeak') ?? 'never';
    const origin = this.settings.offPeak?.origin;
    const model = this.params.model !== undefined ? this.ctx.catalog.models[String(this.params.model)] : undefined;
    const available = this.ctx.catalog.offPeakEndpoints.includes(this.endpoint) && (model?.offPeak ?? true);
    if (policy === 'always' && !available && origin?.from === 'manifest' && !origin.path.includes('defaults'))
      this.ctx.warn('off-peak-unavailable', `${this.endpoint} has no off-peak mode; job "${this.inst.id}" renders at the standard rate`, this.ctx.at(origin.path));
    return policy;
  }
}

function fromWhere(origin: Origin | undefined): string {
  if (origin?.from === 'config') return ' (from the project config defaults)';
  if (origin?.from === 'tool') return ' (the catalog default model)';
  return '';
}
