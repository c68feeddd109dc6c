/**
 * Expands each job into instances: one per matrix cell, each followed by its then-steps, with
 * `${var}` expanded in every string and matrix values applied to the fields they name.
 */
import { unreachable, type SourceLocation } from '../diagnostic.js';
import { jobId, type JobId, type JobKind } from '../model.js';
import type { ResolveContext } from './context.js';
import { acceptsField, COMMON_FIELDS, KIND_FIELDS, kindOf, MATRIX_FIELDS } from './fields.js';
import { manifestLayer, type SettingsLayer } from './cascade.js';
import { cellId, chainOf, matrixCells } from './refs.js';
import { NameSuggester } from './suggest.js';
import type { YamlPath } from './source.js';
import type { JobSpec, Scalar, Settings, ThenStepSpec } from './types.js';
import { LIMITS } from './limits.js';
import { literalLayer, varLayer, VarScope, type VarDef, type VarProblem } from './vars.js';

export interface JobInstance {
  id: JobId;
  /** The job's name in the manifest. */
  name: string;
  kind: JobKind;
  /** The job's (or step's) fields with variables expanded and matrix values applied. */
  fields: Record<string, unknown>;
  /** Where each field was written (a matrix value for fields the matrix sets). */
  origins: Map<string, YamlPath>;
  /** The job-level settings layers, above the manifest defaults (the job, then a step's own). */
  layers: SettingsLayer[];
  /** Settings written on this job or step itself (restyle takes its model only from here). */
  own: Settings;
  location: SourceLocation;
  matrix?: Record<string, Scalar>;
  /** then-steps: the step number (1-based) and the video they consume. */
  step?: { index: number; previous: JobId; path: YamlPath };
  /** The output file stem: `intro`, `intro.1`, `variants.style-clay.seed-1`. */
  stem: string;
}

export function expandJobs(ctx: ResolveContext, broken: ReadonlySet<string>): JobInstance[] {
  const out: JobInstance[] = [];
  const manifestVars = varLayer(ctx.spec.vars, ['vars']);
  for (const [name, spec] of Object.entries(ctx.spec.jobs)) {
    if (broken.has(name)) continue;
    const jobPath: YamlPath = ['jobs', name];
    const { kind, extra } = kindOf(spec);
    for (const key of extra) {
      ctx.error('job-kind', `job "${name}" has both "${kindOf(spec).kind}" and "${key}"; a job has one source`, ctx.source.childKey(jobPath, key), {
        hint: 'split it into two jobs; one may refer to the other',
      });
    }
    checkFields(ctx, name, spec, kind);
    const jobVars = varLayer(spec.vars, [...jobPath, 'vars']);
    const cells = spec.matrix ? matrixCells(spec.matrix) : [undefined];
    for (const cell of cells) {
      const id = cell ? cellId(name, cell) : name;
      const stem = cell ? [name, ...Object.entries(cell).map(([k, v]) => `${k}-${fileSafe(String(v))}`)].join('.') : name;
      const scope = (instanceId: string): VarScope =>
        new VarScope(manifestVars, jobVars, cell ? literalLayer(cell) : undefined, builtins(ctx, instanceId));
      const { fields, origins } = jobFields(ctx, spec, kind, jobPath, cell, scope(id));
      const own = pickSettings(fields);
      const jobLayer = manifestLayer(own, (f) => origins.get(f) ?? [...jobPath, f]);
      const base: JobInstance = {
        id: jobId(id),
        name,
        kind,
        fields,
        origins,
        layers: [jobLayer],
        own,
        location: ctx.source.key(jobPath),
        ...(cell ? { matrix: cell } : {}),
        stem,
      };
      out.push(base);
      const chain = chainOf(id, spec.then?.length ?? 0);
      (spec.then ?? []).forEach((step, i) => {
        const stepPath: YamlPath = [...jobPath, 'then', i];
        const [stepKind, stepSpec] = Object.entries(step as ThenStepSpec)[0] as [JobKind, Record<string, unknown> | null];
        const fieldsPath = [...stepPath, stepKind];
        const expanded = expandValue(ctx, stepSpec ?? {}, fieldsPath, scope(chain.steps[i]!)) as Record<string, unknown>;
        const stepOrigins = new Map(Object.keys(expanded).map((k) => [k, [...fieldsPath, k] as YamlPath]));
        const stepOwn = pickSettings(expanded);
        out.push({
          id: chain.steps[i]!,
          name,
          kind: stepKind,
          fields: expanded,
          origins: stepOrigins,
          layers: [jobLayer, manifestLayer(stepOwn, (f) => [...fieldsPath, f])],
          own: stepOwn,
          location: ctx.source.childKey(stepPath, stepKind),
          ...(cell ? { matrix: cell } : {}),
          step: { index: i + 1, previous: i === 0 ? jobId(id) : chain.steps[i - 1]!, path: fieldsPath },
          stem: `${stem}.${i + 1}`,
        });
      });
    }
  }
  return out;
}

function builtins(ctx: ResolveContext, id: string): Map<string, VarDef> {
  return literalLayer({ name: manifestName(ctx), job: id });
}

export function manifestName(ctx: ResolveContext): string {
  return ctx.spec.name ?? ctx.source.file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
}

/** The job's own fields plus matrix values for the fields its kind accepts, all expanded. */
function jobFields(
  ctx: ResolveContext,
  spec: JobSpec,
  kind: JobKind,
  jobPath: YamlPath,
  cell: Record<string, Scalar> | undefined,
  scope: VarScope,
): { fields: Record<string, unknown>; origins: Map<string, YamlPath> } {
  const fields: Record<string, unknown> = {};
  const origins = new Map<string, YamlPath>();
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'vars' || key === 'matrix' || key === 'then' || key === 'description') continue;
    origins.set(key, [...jobPath, key]);
    fields[key] = expandValue(ctx, value, [...jobPath, key], scope);
  }
  for (const [key, value] of Object.entries(cell ?? {})) {
    if (!MATRIX_FIELDS.includes(key) || !acceptsField(kind, key)) continue;
    const path: YamlPath = [...jobPath, 'matrix', key, spec.matrix![key]!.indexOf(value)];
    origins.set(key, path);
    fields[key] = expandValue(ctx, value, path, scope);
  }
  return { fields, origins };
}

/**
 * Expands `${var}` in every string of a value; unknown variables, cycles and limits become diagnostics.
 * Once the manifest's expansions pass LIMITS.expandedTotal, strings are left as written.
 */
export function expandValue(ctx: ResolveContext, value: unknown, path: YamlPath, scope: VarScope): unknown {
  if (typeof value === 'string') {
    if (ctx.expansion.stopped) return value;
    const { value: expanded, problems } = scope.expand(value);
    for (const p of problems) reportVarProblem(ctx, p, path);
    if (expanded !== value) chargeExpansion(ctx, expanded.length, path);
    return expanded;
  }
  if (Array.isArray(value)) return value.map((v, i) => expandValue(ctx, v, [...path, i], scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandValue(ctx, v, [...path, k], scope)]));
  }
  return value;
}

function reportVarProblem(ctx: ResolveContext, p: VarProblem, path: YamlPath): void {
  const where = p.definedAt ?? path;
  switch (p.kind) {
    case 'unknown': {
      let guess: string | undefined;
      if (ctx.varSuggestionWork >= p.known.length) {
        ctx.varSuggestionWork -= p.known.length;
        guess = new NameSuggester(p.known).closest(p.name);
      }
      ctx.error('unknown-var', `unknown variable "${p.name}"`, ctx.source.within(where, `\${${p.name}}`), {
        hint: guess ? `did you mean "${guess}"?` : p.known.length ? `variables: ${listNames(p.known)}` : 'define it under `vars:`',
      });
      return;
    }
    case 'cycle':
      ctx.error('var-cycle', `variables refer to each other: ${p.chain.join(' → ')}`, ctx.at(where));
      return;
    case 'too-long':
      ctx.error('var-too-long', `${p.name === undefined ? 'this text' : `variable "${p.name}"`} expands to more than ${LIMITS.expandedLength} characters`, ctx.at(where), {
        hint: 'variables that use each other several times double in size at every step',
      });
      return;
    case 'too-deep':
      ctx.error('var-depth', `variables nest more than ${LIMITS.varDepth} deep here (at "${p.name}")`, ctx.source.within(where, `\${${p.name}}`), {
        hint: 'write the value out instead of a long chain of variables',
      });
      return;
    default:
      return unreachable(p);
  }
}

/** The first names and how many more: a hint stays one short line however many variables there are. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LIMITS.hintNames).join(', ');
  return names.length > LIMITS.hintNames ? `${shown}, … (${names.length - LIMITS.hintNames} more)` : shown;
}

function chargeExpansion(ctx: ResolveContext, length: number, path: YamlPath): void {
  ctx.expansion.chars += length;
  if (ctx.expansion.chars <= LIMITS.expandedTotal) return;
  ctx.expansion.stopped = true;
  ctx.error('expansion-too-large', `variables in this manifest expand to more than ${LIMITS.expandedTotal} characters in all; stopped here`, ctx.at(path), {
    hint: 'a long variable used in every matrix cell is repeated in every job',
  });
}

function pickSettings(fields: Record<string, unknown>): Settings {
  const { model, quality, duration, motion, aspect, seed, offPeak, negativePrompt, style, sound, autoSound, audio, multiShot, previewMode } = fields as Settings;
  return Object.fromEntries(
    Object.entries({ model, quality, duration, motion, aspect, seed, offPeak, negativePrompt, style, sound, autoSound, audio, multiShot, previewMode }).filter(([, v]) => v !== undefined),
  ) as Settings;
}

/** Fields that do not apply to the job's kind are errors, not silently ignored. */
function checkFields(ctx: ResolveContext, name: string, spec: JobSpec, kind: JobKind): void {
  for (const key of Object.keys(spec)) {
    if (acceptsField(kind, key) || kindOf(spec).extra.includes(key)) continue;
    const allowed = [...KIND_FIELDS[kind], ...COMMON_FIELDS].filter((f) => f !== kind);
    ctx.error('field-not-allowed', `"${key}" does not apply to ${kind} jobs`, ctx.source.childKey(['jobs', name], key), {
      hint: `${kind} jobs take: ${allowed.join(', ')}`,
    });
  }
}

function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-');
}
