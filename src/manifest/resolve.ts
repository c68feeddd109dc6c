/**
 * The semantic stage: a schema-valid manifest → ResolvedManifest, with every problem as a diagnostic.
 * Pure apart from reading the catalog it is given; file existence is checked by the caller (index.ts).
 */
import { resolve as resolvePath } from 'node:path';
import type { Catalog } from '../catalog.js';
import type { TemplateLists } from '../templates/types.js';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import type { ResolvedJob, ResolvedManifest } from '../model.js';
import type { ProjectConfig } from '../config.js';
import { ResolveContext, SUPPORTED_FILES_HINT } from './context.js';
import { findCycles } from './cycles.js';
import { expandJobs, manifestName } from './expand.js';
import { buildKind } from './kinds.js';
import { checkJobOutputs, jobOutput, jobOutputLocation, outputLayout, resolvePost } from './output.js';
import { protectedFiles } from './outputs-guard.js';
import { JobIndex } from './refs.js';
import { RequestBuilder } from './request.js';
import { checkJobCounts } from './size.js';
import type { SourceMap } from './source.js';
import type { ManifestSpec } from './types.js';
import { BUILTIN_VARS } from './vars.js';

export interface ResolveInput {
  /** Absolute path of the manifest. */
  file: string;
  manifestDir: string;
  spec: ManifestSpec;
  source: SourceMap;
  catalog: Catalog;
  config: ProjectConfig;
  /** Effect, voice and restyle lists to resolve names against, read only if a job names a template. */
  templates: () => TemplateLists;
  /** Jobs that failed schema validation: skipped, but references to them are accepted. */
  broken: ReadonlySet<string>;
  /** The post section failed schema validation. */
  skipPost: boolean;
}

export interface ResolveOutput {
  manifest: ResolvedManifest;
  diagnostics: Diagnostic[];
  /** Local files to check for existence: absolute path → where it is named. */
  files: Map<string, SourceLocation>;
  /** Outputs to check against symbolic links that lead out of `root` (none when the layout is broken). */
  outputs: { root: string; files: { file: string; location: SourceLocation }[] };
}

export function resolveManifest(input: ResolveInput): ResolveOutput {
  const { spec, source } = input;
  // Sizes first: a job over a limit is never expanded, not even into the index.
  const size = checkJobCounts(spec.jobs, source, input.broken);
  const broken = new Set([...input.broken, ...size.skipped]);
  const index = new JobIndex(spec.jobs, broken);
  const ctx = new ResolveContext(spec, source, input.manifestDir, input.catalog, input.config, index, input.templates);
  for (const d of size.diagnostics) ctx.push(d);
  checkNames(ctx, broken);

  const layout = outputLayout(ctx);
  const instances = expandJobs(ctx, broken);
  const jobs: ResolvedJob[] = instances.map((inst) => {
    const builder = new RequestBuilder(ctx, inst);
    buildKind(builder, inst.kind);
    return {
      id: inst.id,
      kind: inst.kind,
      endpoint: builder.endpoint,
      params: builder.params,
      inputs: builder.inputs,
      offPeak: builder.offPeak(),
      output: jobOutput(ctx, layout, inst.stem),
      ...(inst.matrix ? { matrix: numbersAndStrings(inst.matrix) } : {}),
      ...(Object.keys(builder.templates).length > 0 ? { templates: builder.templates } : {}),
      location: inst.location,
    };
  });

  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const d of findCycles(jobs.map((j) => j.id), ctx.edges, (id) => byId.get(id)?.location ?? source.value([]))) ctx.push(d);

  const protectedFile = protectedFiles(ctx, input.file);
  checkJobOutputs(ctx, layout, protectedFile, jobs);
  const post = input.skipPost ? [] : resolvePost(ctx, layout, index.allIds(), protectedFile);
  checkOutputs(ctx, [...jobs.map((j) => ({ output: j.output, location: j.location, what: `job ${j.id}` })), ...post.map((p) => ({ output: p.output, location: p.location, what: p.kind }))]);

  const files = new Map<string, SourceLocation>();
  for (const [name, asset] of ctx.assets) {
    const location = source.value(['assets', name]);
    if (asset.kind) files.set(asset.file, location);
    if (!ctx.usedAssets.has(name) && broken.size === 0)
      ctx.warn('unused-asset', `asset "${name}" is not used by any job`, source.key(['assets', name]));
  }
  for (const [file, location] of ctx.inlineFiles) if (!files.has(file)) files.set(file, location);

  const deadline = spec.schedule?.deadline === undefined ? NaN : Date.parse(spec.schedule.deadline);
  // Checked against the wall clock: a manifest that was fine yesterday can warn today.
  if (deadline < Date.now())
    ctx.warn('deadline-passed', `schedule.deadline ${spec.schedule!.deadline} has passed; offPeak: auto plans every job at the standard rate`, source.value(['schedule', 'deadline']), {
      hint: 'move the deadline later, or remove it (no deadline: off-peak wherever it is offered)',
    });
  const manifest: ResolvedManifest = {
    file: input.file,
    name: manifestName(ctx),
    jobs,
    post,
    ...(spec.budget?.credits !== undefined ? { budgetCredits: spec.budget.credits } : {}),
    ...(spec.schedule?.deadline !== undefined ? { deadline: spec.schedule.deadline } : {}),
    outputDir: layout.dir,
    ...(layout.root !== input.manifestDir ? { outputRoot: layout.root } : {}),
  };
  const outputs = layout.broken
    ? []
    : [
        ...jobs.map((j) => ({ file: resolvePath(input.manifestDir, j.output), location: jobOutputLocation(ctx, j.location) })),
        ...post.map((p) => ({ file: resolvePath(input.manifestDir, p.output), location: p.location })),
      ];
  return { manifest, diagnostics: ctx.diagnostics, files, outputs: { root: layout.root, files: outputs } };
}

/** Names that would make references ambiguous or ids unreadable. */
function checkNames(ctx: ResolveContext, broken: ReadonlySet<string>): void {
  const { spec, source } = ctx;
  const reserved = (keys: string[], base: (string | number)[], what: string): void => {
    for (const k of keys)
      if ((BUILTIN_VARS as readonly string[]).includes(k))
        ctx.error('reserved-var', `"${k}" is a built-in variable; choose another ${what} name`, source.childKey(base, k), {
          hint: '${name} is the manifest name and ${job} the job id',
        });
  };
  reserved(Object.keys(spec.vars ?? {}), ['vars'], 'variable');
  for (const [name, job] of Object.entries(spec.jobs)) {
    if (broken.has(name)) continue;
    reserved(Object.keys(job.vars ?? {}), ['jobs', name, 'vars'], 'variable');
    reserved(Object.keys(job.matrix ?? {}), ['jobs', name, 'matrix'], 'matrix key');
    for (const [key, values] of Object.entries(job.matrix ?? {})) {
      values.forEach((v, i) => {
        if (typeof v === 'string' && (/[[\],=\u0000-\u001f\u007f-\u009f]/.test(v) || v.trim() !== v || v === ''))
          ctx.error('matrix-value', `matrix value ${JSON.stringify(v)} cannot be part of a job id`, source.value(['jobs', name, 'matrix', key, i]), {
            hint: 'matrix values may not contain [ ] , = or control characters, or start or end with spaces; put long texts in vars and select them by a short key',
          });
      });
    }
  }
  for (const [name, asset] of ctx.assets) {
    if (name in spec.jobs)
      ctx.error('name-clash', `"${name}" is both an asset and a job; references to it would be ambiguous`, source.key(['assets', name]), {
        hint: 'rename the asset or the job',
      });
    if (!asset.kind)
      ctx.error('unsupported-asset', `asset "${name}" is not a file type PixVerse accepts`, source.value(['assets', name]), {
        hint: SUPPORTED_FILES_HINT,
      });
  }
}

function checkOutputs(ctx: ResolveContext, outputs: { output: string; location: SourceLocation; what: string }[]): void {
  const first = new Map<string, { location: SourceLocation; what: string }>();
  for (const o of outputs) {
    const key = o.output.toLowerCase();
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, o);
      continue;
    }
    ctx.error('duplicate-output', `${o.what} writes ${o.output}, which ${earlier.what} writes too`, o.location, {
      related: [{ message: `${earlier.what} writes it`, location: earlier.location }],
      hint: 'each job and post step needs its own output file (matrix values are made file-safe, so values differing only in symbols can collide)',
    });
  }
}

function numbersAndStrings(values: Record<string, string | number | boolean>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
}

