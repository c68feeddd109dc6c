/**
 * What the resolve stage shares while it walks the jobs: the catalog and config, the YAML source map,
 * the job index, declared assets, the collected diagnostics and the dependency edges.
 */
import { extname, isAbsolute, resolve as resolvePath } from 'node:path';
import type { Catalog } from '../catalog.js';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import type { JobId } from '../model.js';
import { UPLOAD_CONTENT_TYPES } from '../api/protocol.js';
import type { ProjectConfig } from '../config.js';
import type { TemplateLists } from '../templates/types.js';
import type { JobIndex } from './refs.js';
import type { SourceMap, YamlPath } from './source.js';
import { LIMITS } from './limits.js';
import { NameSuggester } from './suggest.js';
import type { ManifestSpec } from './types.js';

export type MediaKind = 'image' | 'video' | 'audio';

/** The kind of media a file is, by extension, as POST files accepts it; undefined = not uploadable. */
export function mediaKindOf(file: string): MediaKind | undefined {
  const type = UPLOAD_CONTENT_TYPES[extname(file).slice(1).toLowerCase()];
  return type ? (type.split('/')[0] as MediaKind) : undefined;
}

/** "supported: png, jpg, …" for hints, from the upload table. */
export const SUPPORTED_FILES_HINT = `supported: ${Object.keys(UPLOAD_CONTENT_TYPES).join(', ')}`;

export interface DeclaredAsset {
  name: string;
  /** Absolute path. */
  file: string;
  kind: MediaKind | undefined;
}

export interface Edge {
  from: JobId;
  to: JobId;
  location: SourceLocation;
}

export class ResolveContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly edges: Edge[] = [];
  readonly usedAssets = new Set<string>();
  /** Files named inline by path (not declared under `assets`): absolute path → where first named. */
  readonly inlineFiles = new Map<string, SourceLocation>();
  readonly assets = new Map<string, DeclaredAsset>();
  /** Characters produced by variable expansion so far, against LIMITS.expandedTotal. */
  readonly expansion = { chars: 0, stopped: false };
  /** Names did-you-mean may still compare for unknown variables (LIMITS.varSuggestionWork). */
  varSuggestionWork = LIMITS.varSuggestionWork;
  private readonly seen = new Set<string>();
  private readonly suggesters = new Map<boolean, NameSuggester>();

  constructor(
    readonly spec: ManifestSpec,
    readonly source: SourceMap,
    readonly manifestDir: string,
    readonly catalog: Catalog,
    readonly config: ProjectConfig,
    readonly index: JobIndex,
    private readonly templateLists: () => TemplateLists,
  ) {
    for (const [name, file] of Object.entries(spec.assets ?? {})) {
      const abs = this.filePath(file);
      this.assets.set(name, { name, file: abs, kind: mediaKindOf(abs) });
    }
  }

  /**
   * Effects, voices and restyle presets as the backend lists them: made (the simulator's list is some 360
   * generated effects) when the first job names one, so a manifest that names none does not pay for them.
   */
  get templates(): TemplateLists {
    return (this.#templates ??= this.templateLists());
  }
  #templates: TemplateLists | undefined;

  /** Did-you-mean over every job name (then every asset name, with `withAssets`), built once per kind. */
  nameSuggester(withAssets: boolean): NameSuggester {
    let suggester = this.suggesters.get(withAssets);
    if (!suggester) {
      suggester = new NameSuggester([...this.index.jobs.keys(), ...(withAssets ? this.assets.keys() : [])]);
      this.suggesters.set(withAssets, suggester);
    }
    return suggester;
  }

  filePath(file: string): string {
    return isAbsolute(file) ? file : resolvePath(this.manifestDir, file);
  }

  at(path: YamlPath): SourceLocation {
    return this.source.value(path);
  }

  error(code: string, message: string, location: SourceLocation, extra: Pick<Diagnostic, 'hint' | 'related'> = {}): void {
    this.push({ severity: 'error', code, message, location, ...extra });
  }

  warn(code: string, message: string, location: SourceLocation, extra: Pick<Diagnostic, 'hint' | 'related'> = {}): void {
    this.push({ severity: 'warning', code, message, location, ...extra });
  }

  /** Matrix cells repeat the same problem at the same place: report it once. */
  push(d: Diagnostic): void {
    const key = `${d.code}|${d.location?.range.offset}|${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(d);
  }
}
