/**
 * Where pixrender may write for one manifest: under the real folder of the manifest, or of the project
 * config's `outputDir` (trusted like the rest of the config). Validation checks the output folders
 * once; a folder can be swapped for a symbolic link after that, so each write checks again at the
 * moment it lands — before its temp file is opened and right before the rename — by resolving the
 * folder's real path and comparing it with the real roots. A write whose folder leads out is a
 * `DiskError` of kind `outside-project` (one line, exit 2) and nothing lands there.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { ResolvedManifest } from '../model.js';
import { DiskError } from './fs.js';

/** The folders a manifest's writes may land in (absolute; not resolved yet). */
export type WriteRoots = readonly string[];

export function writeRootsOf(manifest: Pick<ResolvedManifest, 'file' | 'outputRoot'>): WriteRoots {
  const project = dirname(resolve(manifest.file));
  return manifest.outputRoot && resolve(manifest.outputRoot) !== project ? [project, resolve(manifest.outputRoot)] : [project];
}

/** Whether `path` is `root` or inside it (both absolute and normalized). */
const inside = (root: string, path: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real path of `path`: its deepest existing part resolved, the rest (not made yet) appended. */
export async function realPathOf(path: string): Promise<string> {
  const rest: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      rest.push(basename(current));
      current = parent;
    }
  }
}

/** Where `folder` really is, when that is under one of the real `roots`; undefined when it leads out. */
export async function realFolderWithin(folder: string, roots: WriteRoots): Promise<string | undefined> {
  const real = await realPathOf(folder);
  for (const root of roots) if (inside(await realPathOf(root), real)) return real;
  return undefined;
}

/** Throws `outside-project` naming `file` unless its folder really is under one of `roots`. */
export async function assertFolderWithin(file: string, roots: WriteRoots): Promise<void> {
  const folder = dirname(resolve(file));
  if ((await realFolderWithin(folder, roots)) === undefined)
    throw new DiskError('outside-project', file, 'ELINKOUT', `its folder is really ${await realPathOf(folder)}`);
}

/**
 * The state folder (default `.pixrender/`) and the lock's folder, when they are in the project, must
 * really be in it: a `.pixrender` that is a symbolic link to somewhere else would carry the journal,
 * the run lock and the output index out. Throws `outside-project` naming the folder.
 */
export async function assertStateWithin(manifestFile: string, state: { stateDir?: string; lockFile?: string } = {}): Promise<void> {
  const project = dirname(resolve(manifestFile));
  const stateDir = state.stateDir ? resolve(state.stateDir) : join(project, '.pixrender');
  for (const folder of [stateDir, dirname(state.lockFile ? resolve(state.lockFile) : resolve(manifestFile))]) {
    if (!inside(project, folder)) continue;
    if ((await realFolderWithin(folder, [project])) === undefined)
      throw new DiskError('outside-project', folder, 'ELINKOUT', `it is really ${await realPathOf(folder)}; make it a folder of the project`);
  }
}
