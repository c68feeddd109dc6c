/**
 * Output paths and post-steps. Outputs are relative to the manifest's folder, with forward slashes:
 * `<output.dir>/<output.file with {job} = the job's file stem>`; post-step outputs go into the same folder.
 */
import { relative, resolve as resolvePath, sep } from 'node:path';
import type { JobId, PostStep } from '../model.js';
import type { ResolveContext } from './context.js';
import { expandValue, manifestName } from './expand.js';
import { lookupJob } from './inputs.js';
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
}

function manifestScope(ctx: ResolveContext): VarScope {
  return new VarScope(varLayer(ctx.spec.vars, ['vars']), literalLayer({ name: manifestName(ctx) }));
}

export function outputLayout(ctx: ResolveContext): OutputLayout {
  const scope = manifestScope(ctx);
  const dirPath: YamlPath = ctx.spec.output?.dir !== undefined ? ['output', 'dir'] : ['output'];
  const dir = expandValue(ctx, ctx.spec.output?.dir ?? ctx.config.outputDir ?? DEFAULT_OUTPUT_DIR, dirPath, scope) as string;
  // `${job}` in the file pattern means the same as `{job}`.
  const fileScope = new VarScope(varLayer(ctx.spec.vars, ['vars']), literalLayer({ name: manifestName(ctx), job: '{job}' }));
  const file = expandValue(ctx, ctx.spec.output?.file ?? DEFAULT_OUTPUT_FILE, ['output', 'file'], fileScope) as string;
  return { dir: resolvePath(ctx.manifestDir, dir), file };
}

/** A path inside the output folder, relative to the manifest's folder, with forward slashes. */
export function outputPath(ctx: ResolveContext, layout: OutputLayout, file: string): string {
  return relative(ctx.manifestDir, resolvePath(layout.dir, file)).split(sep).join('/');
}

export function jobOutput(ctx: ResolveContext, layout: OutputLayout, stem: string): string {
  return outputPath(ctx, layout, layout.file.replaceAll('{job}', stem));
}

export function resolvePost(ctx: ResolveContext, layout: OutputLayout, allIds: readonly JobId[]): PostStep[] {
  const steps: PostStep[] = [];
  const scope = manifestScope(ctx);
  (ctx.spec.post ?? []).forEach((spec, i) => {
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
    const output = expandValue(ctx, spec.output ?? DEFAULT_CONTACT_SHEET, [...path, 'output'], scope) as string;
    const wanted = kind === 'concat' ? /\.mp4$/i : /\.(png|jpe?g|webp)$/i;
    if (!wanted.test(output)) {
      ctx.error('post-output', `${kind} writes ${kind === 'concat' ? 'an .mp4 video' : 'a .png, .jpg or .webp image'}, not "${output}"`, ctx.at([...path, 'output']));
      return;
    }
    steps.push({ kind, inputs, output: outputPath(ctx, layout, output), location });
  });
  return steps;
}
