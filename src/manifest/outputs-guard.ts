/**
 * What an output path may not be: characters that are unsafe in a file name or mean something else on
 * Windows, and the files a project depends on (the manifest, its lock and state, project config,
 * package.json, local inputs). Pure: the symlink check, which reads the disk, is in index.ts.
 */
import { basename, join, sep } from 'node:path';
import { CONFIG_SEARCH_PLACES } from '../config.js';
import type { ResolveContext } from './context.js';

export const OUTPUT_PATH_HINT = 'output paths are relative to the manifest, with / between folders, and use printable characters only';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a path text is unsafe as written, or undefined. */
export function pathProblem(text: string): string | undefined {
  if (CONTROL.test(text)) return 'contains a control character';
  if (text.includes('\\')) return 'contains a backslash (use / between folders)';
  if (text.includes(':')) return 'contains ":" (a Windows drive or stream name)';
  return undefined;
}

/** Whether `path` is `root` or inside it (both absolute and normalized). */
export function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** File names an output may never take, in any folder: project config files and package.json. */
const PROTECTED_NAMES = new Set(CONFIG_SEARCH_PLACES.map((n) => n.toLowerCase()));

export type ProtectedCheck = (absolute: string) => string | undefined;

/**
 * What the file at an absolute path is to the project, when an output may not replace it; compared
 * ignoring case (macOS and Windows folders are). Built once, after every job's inputs are known.
 */
export function protectedFiles(ctx: ResolveContext, manifestFile: string): ProtectedCheck {
  const known = new Map<string, string>();
  for (const file of ctx.inlineFiles.keys()) known.set(file.toLowerCase(), 'a local file a job uses');
  for (const asset of ctx.assets.values()) known.set(asset.file.toLowerCase(), `the file of asset "${asset.name}"`);
  const manifest = manifestFile.toLowerCase();
  known.set(manifest, 'the manifest itself');
  known.set(`${manifest}.lock`, "the manifest's lock file");
  const state = join(ctx.manifestDir, '.pixrender').toLowerCase();
  return (absolute) => {
    const path = absolute.toLowerCase();
    const found = known.get(path);
    if (found) return found;
    if (inside(state, path)) return "in pixrender's state folder .pixrender/";
    const name = basename(path);
    if (PROTECTED_NAMES.has(name)) return name === 'package.json' ? 'package.json' : `a project config file (${name})`;
    return undefined;
  };
}
