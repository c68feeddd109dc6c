/**
 * Output paths and post-steps. Outputs are relative to the manifest's folder, with forward slashes:
 * `<output.dir>/<output.file with {job} = the job's file stem>`; post-step outputs go into the same folder.
 * Every output stays inside the project (the manifest's folder, or the folder the project config names)
 * and never replaces a file the project depends on (outputs-guard.ts).
 */
import { isAbsolute, relative, resolve as resolvePath, sep } from 'node:path';
import type { SourceLocation } from '../diagnostic.js';
import type { JobId, PostStep } from '../model.js';
import type { ResolveContext } from './context.js';
import { expandValue, manifestName } from './expand.js';
import { lookupJob } from './inputs.js';
import { LIMITS } from './limits.js';
import { inside, pathProblem, OUTPUT_PATH_HINT, type ProtectedCheck } from './outputs-guard.js';
import type { YamlPath } from './source.js';
import { literalLayer, varLayer, VarScope } from './vars.js';

export const DEFAULT_OUTPUT_DIR = 'renders/${name}';
export const DEFAULT_OUTPUT_FILE = '{job}.mp4';
export const DEFAULT_CONTACT_SHEET = 'contact-sheet.png';

export interface OutputLayout {
  /** Absolute output folder. */
  dir: string;
  /** File pattern with `{job}`. */
  file: string;
  /** The folder every output must stay in: the manifest's, or the project config's outputDir (trusted). */
  root: string;
  /** The folder or the pattern has a problem (already reported): job outputs are not checked one by one. */
  broken: boolean;
}

function manifestScope(ctx: ResolveContext): VarScope {
  return new VarScope(varLayer(ctx.spec.vars, ['vars']), literalLayer({ name: manifestName(ctx) }));
}

export function outputLayout(ctx: ResolveContext): OutputLayout {
  const scope = manifestScope(ctx);
  const written = ctx.spec.output?.dir !== undefined;
  const dirPath: YamlPath = written ? ['output', 'dir'] : ['output'];
  const dir = expandValue(ctx, ctx.spec.output?.dir ?? ctx.config.outputDir ?? DEFAULT_OUTPUT_DIR, dirPath, scope) as string;
  // `${job}` in the file pattern means the same as `{job}`.
  const fileScope = new VarScope(varLayer(ctx.spec.vars, ['vars']), literalLayer({ name: manifestName(ctx), job: '{job}' }));
  const file = expandValue(ctx, ctx.spec.output?.file ?? DEFAULT_OUTPUT_FILE, ['output', 'file'], fileScope) as string;
  const absoluteDir = resolvePath(ctx.manifestDir, dir);
  // A folder from the project config is trusted like the rest of the config, even outside the project.
  const fromConfig = !written && ctx.config.outputDir !== undefined;
  const root = fromConfig ? absoluteDir : ctx.manifestDir;
  let broken = false;
  if (written) broken = !checkPath(ctx, dir, absoluteDir, root, dirPath, 'the output folder');
  if (!broken && ctx.spec.output?.file !== undefined)
    broken = !checkPath(ctx, file, resolvePath(absoluteDir, file.replaceAll('{job}', 'job')), root, ['output', 'file'], 'the output file pattern');
  return { dir: absoluteDir, file, root, broken };
}

/** False (with a diagnostic) for a path that is unsafe to write or leads outside `root`. */
function checkPath(ctx: ResolveContext, text: string, absolute: string, root: string, path: YamlPath, what: string): boolean {
  const problem = pathProblem(text);
  if (problem) {
    ctx.error('output-path', `${what} ${JSON.stringify(text)} ${problem}`, ctx.at(path), { hint: OUTPUT_PATH_HINT });
    return false;
  }
  if (isAbsolute(text) || !inside(root, absolute)) {
    ctx.error('output-outside', `${what} ${JSON.stringify(text)} is outside the project folder`, ctx.at(path), {
      hint: 'outputs go inside the folder of the manifest; a folder elsewhere can be named by outputDir in the project config',
    });
    return false;
  }
  return true;
}

/** A path inside the output folder, relative to the manifest's folder, with forward slashes. */
export function outputPath(ctx: ResolveContext, layout: OutputLayout, file: string): string {
  return relative(ctx.manifestDir, resolvePath(layout.dir, file)).split(sep).join('/');
}

export function jobOutput(ctx: ResolveContext, layout: OutputLayout, stem: string): string {
  return outputPath(ctx, layout, layout.file.replaceAll('{job}', stem));
}

/** Where a job's output is decided: the file pattern, else the folder, else the job itself. */
export function jobOutputLocation(ctx: ResolveContext, jobLocation: SourceLocation): SourceLocation {
  if (ctx.spec.output?.file !== undefined) return ctx.at(['output', 'file']);
  if (ctx.spec.output?.dir !== undefined) return ctx.at(['output', 'dir']);
  return jobLocation;
}

/**
 * Job outputs that would replace a file the project depends on; then the file type (an .mp4), unless
 * an overwrite says more already.
 */
export function checkJobOutputs(ctx: ResolveContext, layout: OutputLayout, protectedFile: ProtectedCheck, jobs: readonly { id: JobId; output: string; location: SourceLocation }[]): void {
  if (layout.broken) return;
  let overwrites = false;
  for (const job of jobs) {
    const reason = protectedFile(resolvePath(ctx.manifestDir, job.output));
    if (!reason) continue;
    overwrites = true;
    ctx.error('output-overwrites', `job ${job.id} would write ${job.output}, which is ${reason}`, jobOutputLocation(ctx, job.location), {
      hint: 'choose another output folder or file pattern, e.g. output: { dir: renders/${name}, file: "{job}.mp4" }',
    });
  }
  if (!overwrites && ctx.spec.output?.file !== undefined && !/\.mp4$/i.test(layout.file))
    ctx.error('output-type', `job outputs are .mp4 videos, not ${JSON.stringify(layout.file)}`, ctx.at(['output', 'file']), { hint: 'end the pattern with .mp4, e.g. "{job}.mp4"' });
}

export function resolvePost(ctx: ResolveContext, layout: OutputLayout, allIds: readonly JobId[], protectedFile: ProtectedCheck): PostStep[] {
  const steps: PostStep[] = [];
  const scope = manifestScope(ctx);
  const all = ctx.spec.post ?? [];
  // Counted before any step is built: each one may list every job.
  if (all.length > LIMITS.postSteps) {
    ctx.error('too-many-post-steps', `more than ${LIMITS.postSteps} post steps (${all.length}); none is checked`, ctx.at(['post', LIMITS.postSteps]), {
      hint: 'one concat or contact sheet can take many jobs',
    });
    return steps;
  }
  all.forEach((spec, i) => {
    const path: YamlPath = ['post', i];
    const kinds = (['concat', 'contactSheet'] as const).filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.error('post-kind', kinds.length ? 'a post step is either concat or contactSheet, not both' : 'a post step needs concat or contactSheet', ctx.at(path));
      return;
    }
    const kind = kinds[0]!;
    const location = ctx.source.childKey(path, kind);
    const refs = spec[kind]!;
    let inputs: JobId[] = [];
    if (refs === 'all') inputs = [...allIds];
    else {
      let complete = true;
      (refs as string[]).forEach((ref, j) => {
        const ids = lookupJob(ctx, ref, ctx.at([...path, kind, j]), { matrix: 'cells' });
        if (ids) inputs.push(...ids);
        else complete = false;
      });
      if (!complete) return;
    }
    if (kind === 'concat' && spec.output === undefined) {
      ctx.error('missing-field', 'concat needs an output file name, e.g. output: teaser.mp4', location);
      return;
    }
    const outputField: YamlPath = spec.output === undefined ? path : [...path, 'output'];
    const output = expandValue(ctx, spec.output ?? DEFAULT_CONTACT_SHEET, [...path, 'output'], scope) as string;
    const absolute = resolvePath(layout.dir, output);
    if (layout.broken || !checkPath(ctx, output, absolute, layout.root, outputField, `${kind} output`)) return;
    const reason = protectedFile(absolute);
    if (reason) {
      ctx.error('output-overwrites', `${kind} would write ${output}, which is ${reason}`, ctx.at(outputField), { hint: 'choose another output file name' });
      return;
    }
    const wanted = kind === 'concat' ? /\.mp4$/i : /\.(png|jpe?g|webp)$/i;
    if (!wanted.test(output)) {
      ctx.error('post-output', `${kind} writes ${kind === 'concat' ? 'an .mp4 video' : 'a .png, .jpg or .webp image'}, not "${output}"`, ctx.at([...path, 'output']));
      return;
    }
    steps.push({ kind, inputs, output: outputPath(ctx, layout, output), location });
  });
  return steps;
}
