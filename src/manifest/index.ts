/**
 * Loading a manifest: read → parse YAML (ranges kept) → validate against the schema → resolve
 * (defaults, vars, matrix, then-chains, references, catalog checks) → check local files.
 * Every problem is a Diagnostic; `manifest` is present only when there is no error.
 */
import { promises as nodeFs } from 'node:fs';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { loadCatalog, type Catalog } from '../catalog.js';
import type { ProjectConfig } from '../config.js';
import { hasErrors, type Diagnostic, type SourceLocation } from '../diagnostic.js';
import type { ResolvedManifest } from '../model.js';
import { generateTemplateLists } from '../templates/generate.js';
import type { TemplateLists } from '../templates/types.js';
import { LIMITS } from './limits.js';
import { checkOutputFolders } from './links.js';
import { parseYaml } from './parse.js';
import { resolveManifest } from './resolve.js';
import { validateSchema } from './schema.js';
import type { ManifestSpec } from './types.js';

/** The file access loadManifest needs; node:fs/promises by default, memfs's `fs.promises` in tests. */
export interface ManifestFs {
  readFile(path: string, encoding: 'utf8'): Promise<string | Uint8Array>;
  stat(path: string): Promise<{ isFile(): boolean; size: number | bigint }>;
  realpath(path: string): Promise<string | Uint8Array>;
  /** With `withFileTypes`, entries with `name`, `isSymbolicLink()` and `isDirectory()`. */
  readdir(path: string, options: { withFileTypes: true }): Promise<readonly unknown[]>;
  access(path: string, mode?: number): Promise<void>;
}

export interface LoadOptions {
  /** Project config (defaults, catalog overrides, outputDir). Default: none; loadManifest does not search for one. */
  config?: ProjectConfig;
  /** The catalog to check against. Default: the built-in catalog with `config.catalog` merged in. */
  catalog?: Catalog;
  /** Effects, voices and restyle presets to resolve names against. Default: the simulator's list. */
  templates?: TemplateLists;
  fs?: ManifestFs;
}

export interface LoadResult {
  manifest?: ResolvedManifest;
  diagnostics: Diagnostic[];
  /** File → text, for formatDiagnostic. Keys are the paths as given. */
  sources: Map<string, string>;
}

export async function loadManifest(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const fs = options.fs ?? nodeFs;
  const sources = new Map<string, string>();
  let text: string;
  try {
    // Size and kind first: a huge file, a FIFO or a device is never read.
    const info = await fs.stat(file);
    if (!info.isFile()) return { diagnostics: [{ severity: 'error', code: 'file-unreadable', message: `cannot read ${file}: not a regular file` }], sources };
    if (Number(info.size) > LIMITS.manifestBytes)
      return {
        diagnostics: [{ severity: 'error', code: 'file-too-large', message: `${file} is ${info.size} bytes; a manifest may have at most ${LIMITS.manifestBytes}`, hint: 'split it into several manifests' }],
        sources,
      };
    const data = await fs.readFile(file, 'utf8');
    text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    if (text.length > LIMITS.manifestBytes)
      return { diagnostics: [{ severity: 'error', code: 'file-too-large', message: `${file} grew past ${LIMITS.manifestBytes} bytes while it was read` }], sources };
  } catch (error) {
    return { diagnostics: [readFailure(file, error)], sources };
  }
  sources.set(file, text);

  const parsed = parseYaml(file, text);
  if (parsed.value === undefined) return { diagnostics: sorted(parsed.diagnostics), sources };

  const problems = validateSchema('manifest', parsed.value, parsed.source);
  const broken = new Set<string>();
  let skipPost = false;
  let fatal = false;
  for (const { path } of problems) {
    if (path[0] === 'jobs' && path.length >= 2) broken.add(String(path[1]));
    else if (path[0] === 'post' && path.length >= 2) skipPost = true;
    else fatal = true;
  }
  const diagnostics = problems.map((p) => p.diagnostic);
  if (fatal) return { diagnostics: sorted(diagnostics), sources };

  const config = options.config ?? {};
  const catalog = options.catalog ?? loadCatalog(config.catalog);
  const absolute = resolvePath(file);
  const resolved = resolveManifest({
    file: absolute,
    manifestDir: dirname(absolute),
    spec: parsed.value as ManifestSpec,
    source: parsed.source,
    catalog,
    config,
    templates: () => options.templates ?? generateTemplateLists(catalog),
    broken,
    skipPost,
  });
  diagnostics.push(
    ...resolved.diagnostics,
    ...(await missingFiles(fs, resolved.files, dirname(absolute))),
    ...(await checkOutputFolders(fs, resolved.outputs.root, resolved.outputs.files)),
  );
  return {
    ...(hasErrors(diagnostics) ? {} : { manifest: resolved.manifest }),
    diagnostics: sorted(diagnostics),
    sources,
  };
}

async function missingFiles(fs: ManifestFs, files: Map<string, SourceLocation>, manifestDir: string): Promise<Diagnostic[]> {
  const checks = [...files].map(async ([file, location]): Promise<Diagnostic | undefined> => {
    const shown = relative(manifestDir, file) || file;
    try {
      if ((await fs.stat(file)).isFile()) return undefined;
      return { severity: 'error', code: 'missing-asset', message: `${shown} is not a file`, location };
    } catch {
      return { severity: 'error', code: 'missing-asset', message: `file not found: ${shown}`, location, hint: 'paths are relative to the manifest' };
    }
  });
  return (await Promise.all(checks)).filter((d): d is Diagnostic => d !== undefined);
}

function readFailure(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { severity: 'error', code: 'file-not-found', message: `cannot read ${file}: no such file` };
  return { severity: 'error', code: 'file-unreadable', message: `cannot read ${file}: ${(error as Error).message ?? String(error)}` };
}

/** Diagnostics in file order (stable), so output reads top to bottom. */
function sorted(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.location?.range.offset ?? -1) - (b.d.location?.range.offset ?? -1) || a.i - b.i)
    .map((x) => x.d);
}

export { MANIFEST_DIAGNOSTIC_CODES, type ManifestDiagnosticCode } from './codes.js';
export { deriveSeed } from './cascade.js';
export { LIMITS } from './limits.js';
export type { ManifestSpec, ManifestDefaults, JobSpec, Settings } from './types.js';
