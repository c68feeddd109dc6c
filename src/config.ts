/**
 * The project config, found by cosmiconfig from a folder upwards to the nearest package.json:
 * pixrender.config.{js,mjs,cjs,json,yaml,yml}, .pixrenderrc, .pixrenderrc.{json,yaml,yml,js},
 * or a "pixrender" field in package.json. Validated against schemas/config.schema.json; problems are
 * diagnostics (`config-syntax` when the file cannot be loaded, else the schema codes).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, relative } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { DEFAULT_API_URL } from './api/protocol.js';
import type { CatalogOverrides } from './catalog.js';
import type { Diagnostic } from './diagnostic.js';
import { parseYaml } from './manifest/parse.js';
import { validateSchema } from './manifest/schema.js';
import { SourceMap } from './manifest/source.js';
import type { ManifestDefaults } from './manifest/types.js';
import { parseDocument } from 'yaml';

export interface ProjectConfig {
  /** Base URL of the PixVerse API v2. @default DEFAULT_API_URL */
  apiUrl?: string;
  /** Environment variable holding the API token. @default 'USEAPI_TOKEN' */
  tokenEnv?: string;
  /** Default: useapi when the token variable is set, else sim. */
  backend?: 'sim' | 'useapi';
  accounts?: { email: string; maxJobs: number }[];
  /** Job settings below every manifest's own defaults. */
  defaults?: ManifestDefaults;
  catalog?: CatalogOverrides;
  /** Output folder for manifests without output.dir; `${name}` is the manifest name. */
  outputDir?: string;
  sim?: { timeScale?: number; accounts?: number; maxJobs?: number; credits?: number; offPeakWaitSeconds?: number };
}

export const DEFAULT_CONFIG: Readonly<ProjectConfig> = Object.freeze({ apiUrl: DEFAULT_API_URL, tokenEnv: 'USEAPI_TOKEN' });

export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.pixrenderrc',
  '.pixrenderrc.json',
  '.pixrenderrc.yaml',
  '.pixrenderrc.yml',
  '.pixrenderrc.js',
  'pixrender.config.js',
  'pixrender.config.mjs',
  'pixrender.config.cjs',
  'pixrender.config.json',
  'pixrender.config.yaml',
  'pixrender.config.yml',
];

export interface ConfigResult {
  /** DEFAULT_CONFIG with the file's settings over it (DEFAULT_CONFIG alone when none or invalid). */
  config: ProjectConfig;
  /** Absolute path of the config file found. */
  file?: string;
  diagnostics: Diagnostic[];
  /** Config file text by the name diagnostics use, for formatDiagnostic (JSON and YAML configs). */
  sources?: Map<string, string>;
}

/** How diagnostics name the config file: relative to the working directory. */
export function configDisplayPath(file: string): string {
  return relative(process.cwd(), file) || file;
}

export async function loadProjectConfig(startDir: string): Promise<ConfigResult> {
  const explorer = cosmiconfig('pixrender', { searchPlaces: CONFIG_SEARCH_PLACES, searchStrategy: 'project', cache: false });
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    found = await explorer.search(startDir);
  } catch (error) {
    const filepath = (error as { filepath?: string }).filepath;
    return {
      config: { ...DEFAULT_CONFIG },
      ...(filepath ? { file: filepath } : {}),
      diagnostics: [
        {
          severity: 'error',
          code: 'config-syntax',
          message: `cannot load project config${filepath ? ` ${configDisplayPath(filepath)}` : ''}: ${firstLine(error)}`,
        },
      ],
    };
  }
  if (!found) return { config: { ...DEFAULT_CONFIG }, diagnostics: [] };
  if (found.isEmpty || found.config === undefined || found.config === null)
    return { config: { ...DEFAULT_CONFIG }, file: found.filepath, diagnostics: [] };

  const source = await configSource(found.filepath);
  const sources = source ? new Map([[source.file, source.text]]) : new Map<string, string>();
  const prefix = basename(found.filepath) === 'package.json' ? ['pixrender'] : [];
  const diagnostics = validateSchema('config', found.config, source ?? emptySource, prefix).map(({ diagnostic }) =>
    // A JS config has no ranges to point at: name the file in the message instead.
    source ? diagnostic : { ...withoutLocation(diagnostic), message: `${configDisplayPath(found.filepath)}: ${diagnostic.message}` },
  );
  if (diagnostics.length > 0) return { config: { ...DEFAULT_CONFIG }, file: found.filepath, diagnostics, sources };
  return { config: { ...DEFAULT_CONFIG, ...(found.config as ProjectConfig) }, file: found.filepath, diagnostics, sources };
}

const emptySource = new SourceMap('', '', parseDocument(''));

/** Source ranges for JSON and YAML configs (JSON is YAML); undefined for JS configs. */
async function configSource(file: string): Promise<SourceMap | undefined> {
  if (!['.json', '.yaml', '.yml', ''].includes(extname(file))) return undefined;
  try {
    return parseYaml(configDisplayPath(file), await readFile(file, 'utf8')).source;
  } catch {
    return undefined;
  }
}

function withoutLocation(d: Diagnostic): Diagnostic {
  const { location: _location, ...rest } = d;
  return rest;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
