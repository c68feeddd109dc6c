/**
 * The project config, found by cosmiconfig from a folder upwards to the nearest package.json:
 * pixrender.config.{js,mjs,cjs,json,yaml,yml}, .pixrenderrc, .pixrenderrc.{json,yaml,yml,js},
 * or a "pixrender" field in package.json. Validated against schemas/config.schema.json; problems are
 * diagnostics (`config-syntax` when the file cannot be loaded, `config-unreadable` when it cannot be read,
 * else the schema codes).
 */
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve as resolvePath } from 'node:path';
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
  /** Where run state lives: 'file' (default) or a postgres:// URL shared by several machines; $PIXRENDER_STORE overrides. */
  store?: string;
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
  // cosmiconfig skips a config it cannot read (a folder, no permission) as if it were not there.
  const unreadable = await unreadableConfigs(startDir);
  if (unreadable.length > 0) return { config: { ...DEFAULT_CONFIG }, file: unreadable[0]!.file, diagnostics: unreadable.map((u) => u.diagnostic) };
  // Most folders hold no config: finding that out must not cost loading cosmiconfig at every start.
  if (!(await mayHoldConfig(startDir))) return { config: { ...DEFAULT_CONFIG }, diagnostics: [] };
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    const { cosmiconfig } = await import('cosmiconfig');
    // Created inside the try: the constructor already reads package.json of the working directory.
    const explorer = cosmiconfig('pixrender', { searchPlaces: CONFIG_SEARCH_PLACES, searchStrategy: 'project', cache: false });
    found = await explorer.search(startDir);
  } catch (error) {
    return loadFailure(error);
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

/** A config cosmiconfig could not load: the YAML or JSON error with its line and column when there is one. */
async function loadFailure(error: unknown): Promise<ConfigResult> {
  const filepath = (error as { filepath?: string }).filepath;
  const shown = filepath ? configDisplayPath(filepath) : undefined;
  const base = { config: { ...DEFAULT_CONFIG }, ...(filepath ? { file: filepath } : {}) };
  const reason = loadReason(error);
  if (filepath && ['.json', '.yaml', '.yml', ''].includes(extname(filepath))) {
    const text = await readFile(filepath, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const located = syntaxAt(shown!, text, reason);
      if (located) return { ...base, diagnostics: [located], sources: new Map([[shown!, text]]) };
    }
  }
  return { ...base, diagnostics: [{ severity: 'error', code: 'config-syntax', message: `cannot load project config${shown ? ` ${shown}` : ''}: ${reason}` }] };
}

/** The first YAML error of a config text (JSON is YAML), else the JSON parser's position, as a diagnostic. */
function syntaxAt(file: string, text: string, reason: string): Diagnostic | undefined {
  const yaml = parseYaml(file, text).diagnostics[0];
  if (yaml?.location) return { severity: 'error', code: 'config-syntax', message: `cannot load project config: ${yaml.message}`, location: yaml.location, ...(yaml.hint ? { hint: yaml.hint } : {}) };
  try {
    JSON.parse(text);
  } catch (jsonError) {
    const at = /position (\d+)/.exec(String((jsonError as Error).message));
    if (at) return { severity: 'error', code: 'config-syntax', message: `cannot load project config: ${reason}`, location: { file, range: { offset: Number(at[1]), length: 1 } } };
  }
  return undefined;
}

/** cosmiconfig's message without its "JSON Error in FILE:" heading and without a stack. */
function loadReason(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const useful = lines.filter((l) => !/^(JSON|YAML) Error in /.test(l));
  return (useful[0] ?? lines[0] ?? 'unknown error').slice(0, 300);
}

/**
 * Config files that exist where cosmiconfig looks (the start folder up to the nearest package.json)
 * but cannot be read: a folder under a config's name, or a file without read permission.
 */
async function unreadableConfigs(startDir: string): Promise<{ file: string; diagnostic: Diagnostic }[]> {
  const found: { file: string; diagnostic: Diagnostic }[] = [];
  for (let dir = resolvePath(startDir); ; dir = dirname(dir)) {
    const checks = await Promise.all(CONFIG_SEARCH_PLACES.map((name) => readableProblem(join(dir, name))));
    checks.forEach((problem, i) => {
      const file = join(dir, CONFIG_SEARCH_PLACES[i]!);
      if (problem) found.push({ file, diagnostic: { severity: 'error', code: 'config-unreadable', message: `cannot read project config ${configDisplayPath(file)}: ${problem}` } });
    });
    if (await isFile(join(dir, 'package.json'))) break;
    if (dirname(dir) === dir) break;
  }
  return found;
}

/** Whether cosmiconfig could find a config: a file where it looks, or a package.json with a "pixrender" key. */
async function mayHoldConfig(startDir: string): Promise<boolean> {
  for (let dir = resolvePath(startDir); ; dir = dirname(dir)) {
    const others = CONFIG_SEARCH_PLACES.filter((name) => name !== 'package.json');
    const present = await Promise.all(others.map((name) => stat(join(dir, name)).then(() => true, () => false)));
    if (present.some(Boolean)) return true;
    const pkg = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (pkg !== undefined) {
      try {
        const data = JSON.parse(pkg) as unknown;
        return typeof data === 'object' && data !== null && 'pixrender' in data;
      } catch {
        return true; // cosmiconfig reports the broken package.json with its line and column
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Why an existing path cannot be read as a file, or undefined (also when it does not exist). */
async function readableProblem(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : (error as Error).message;
  }
  if (!info.isFile()) return 'it is not a file';
  try {
    await access(path, constants.R_OK);
    return undefined;
  } catch {
    return 'no permission to read it';
  }
}

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
