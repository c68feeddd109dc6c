/**
 * What `pixrender clean` may remove: files pixrender wrote for this manifest that it no longer names —
 * renders of jobs it dropped, post-step outputs of steps it dropped, copies kept in .pixrender/aside/,
 * watch --preview renders — and the preview namespace's own state. A file goes only with proof that
 * pixrender wrote exactly its bytes: the sha256 pixrender recorded when it wrote it (the lock, the
 * preview lock, or .pixrender/<manifest>.written.json), which the file must still have when the plan
 * is made and again right before it is removed. A claims-file entry is never proof. The file must be a
 * regular file inside the project (no symbolic link on the way out), not the manifest, its lock or the
 * project config, and not an output the manifest still names.
 */
import { lstat, readdir, realpath, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { unreachable } from './diagnostic.js';
import { sha256File } from './hash.js';
import { inside } from './manifest/outputs-guard.js';
import type { LockFile, ResolvedManifest } from './model.js';
import { readStateSnapshot } from './state/file-store.js';
import { ASIDE_DIR, statePaths, STATE_DIR_NAME } from './state/layout.js';
import { readWritten, updateWritten } from './state/written.js';
import { previewState } from './watch/preview.js';

export interface CleanItem {
  /** Absolute path. */
  path: string;
  /** 'file' is one file pixrender wrote (with the sha256 it must still have); 'state' a preview state file. */
  kind: 'file' | 'state';
  /** For 'file': the bytes pixrender wrote. */
  sha256?: string;
  why: string;
}
export interface Kept {
  path: string;
  why: string;
}
export interface CleanPlan {
  /** The manifest whose written record drops what is removed. */
  manifestFile: string;
  remove: CleanItem[];
  kept: Kept[];
  /** Folders of pixrender's (aside, preview) removed once empty. */
  folders: string[];
}

const exists = (p: string) => lstat(p).then((s) => s, () => undefined);
const NO_RECORD = 'no record that pixrender wrote it';

/** Every regular file and link under `dir` (not following links), or none when it is not a real folder. */
async function filesUnder(dir: string): Promise<string[]> {
  const s = await exists(dir);
  if (!s?.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(path);
  }
  return found;
}

/** Decides what to remove; removes nothing. `protectedFiles` are never removed (manifest, lock, config). */
export async function planClean(manifest: ResolvedManifest, lock: LockFile, protectedFiles: readonly string[]): Promise<CleanPlan> {
  const manifestFile = resolve(manifest.file);
  const base = dirname(manifestFile);
  const root = await realpath(base);
  const current = new Set([...manifest.jobs.map((j) => resolve(base, j.output)), ...manifest.post.map((p) => resolve(base, p.output))]);
  const guarded = new Set(protectedFiles.map((p) => resolve(p)));
  const plan: CleanPlan = { manifestFile, remove: [], kept: [], folders: [] };
  const seen = new Set<string>();
  const keep = (path: string, why: string) => plan.kept.push({ path, why });

  /** Where `path` stands, or why it must stay. */
  const standing = async (path: string): Promise<string | undefined> => {
    if (!inside(base, path)) return 'outside the project';
    if (guarded.has(path)) return 'a file of the project (manifest, lock or config)';
    const stat = await exists(path);
    if (!stat) return undefined;
    const folder = await realpath(dirname(path)).catch(() => undefined);
    if (!folder || !inside(root, folder)) return 'its folder leads outside the project (a symbolic link)';
    if (stat.isSymbolicLink()) return 'a symbolic link, not a render';
    if (!stat.isFile()) return 'not a file';
    const real = join(folder, basename(path));
    if (current.has(real) || guarded.has(real)) return 'the same file as one the manifest still uses';
    return undefined;
  };

  /** Whether `path` may go: `sha256` is what pixrender recorded writing there (undefined: no record). */
  const consider = async (path: string, why: string, sha256: string | undefined) => {
    if (seen.has(path) || current.has(path)) return;
    seen.add(path);
    const problem = await standing(path);
    if (problem) return keep(path, problem);
    if (!(await exists(path))) return;
    if (sha256 === undefined) return keep(path, NO_RECORD);
    if ((await sha256File(path)) !== sha256) return keep(path, 'changed since pixrender wrote it');
    plan.remove.push({ path, kind: 'file', sha256, why });
  };

  for (const [id, entry] of Object.entries(lock.jobs)) await consider(resolve(base, entry.output), `render of ${id}, no longer in the manifest`, entry.sha256);
  const written = await readWritten(manifestFile);
  const preview = previewState(manifestFile);
  const previewLock = (await readStateSnapshot(manifestFile, preview).catch(() => undefined))?.lock;
  for (const [id, entry] of Object.entries(previewLock?.jobs ?? {})) await consider(resolve(base, entry.output), `watch --preview render of ${id}`, entry.sha256);
  for (const [path, { sha256, kind }] of written) {
    switch (kind) {
      case 'aside':
        await consider(path, 'a copy of a superseded render (.pixrender/aside)', sha256);
        break;
      case 'post-output':
        await consider(path, 'an output this manifest wrote and no longer names', sha256);
        break;
      case 'gallery':
        // The gallery page is not a render: `gallery` replaces it, clean leaves it.
        seen.add(path);
        break;
      default:
        unreachable(kind);
    }
  }

  // pixrender's own folders: only when .pixrender itself is a real folder inside the project.
  const state = join(base, STATE_DIR_NAME);
  const stateStat = await exists(state);
  if (stateStat?.isDirectory()) {
    const aside = join(base, ASIDE_DIR);
    const previewDir = preview.stateDir;
    for (const folder of [aside, previewDir]) {
      const s = await exists(folder);
      if (s && (s.isSymbolicLink() || !s.isDirectory())) keep(folder, 'not a folder pixrender made (a link or a file)');
      else if (s) plan.folders.push(folder);
    }
    // The preview namespace's journal and lock are pixrender's state, named by the layout.
    const previewPaths = statePaths(manifestFile, preview.stateDir, preview.lockFile);
    for (const path of [previewPaths.lock, previewPaths.journal]) {
      const s = await exists(path);
      if (s?.isFile() && !s.isSymbolicLink() && plan.folders.includes(previewDir)) {
        seen.add(path);
        plan.remove.push({ path, kind: 'state', why: 'watch --preview state (.pixrender/preview)' });
      }
    }
    // Anything else in them without a record stays.
    for (const folder of plan.folders) for (const path of await filesUnder(folder)) if (!seen.has(path)) await consider(path, '', undefined);
  } else if (stateStat) keep(state, 'not a folder pixrender made (a link or a file)');
  return plan;
}

/**
 * Removes what the plan lists, checking each path again just before: a link that appeared, a file whose
 * bytes no longer hash to the record, stays. Then drops the removed files from the written record and
 * removes pixrender's folders that are left empty.
 */
export async function applyClean(plan: CleanPlan): Promise<CleanItem[]> {
  const removed: CleanItem[] = [];
  for (const item of plan.remove) {
    const s = await exists(item.path);
    if (!s || s.isSymbolicLink() || !s.isFile()) continue;
    if (item.kind === 'file' && (await sha256File(item.path)) !== item.sha256) {
      plan.kept.push({ path: item.path, why: 'changed since pixrender wrote it' });
      continue;
    }
    await rm(item.path, { force: true });
    removed.push(item);
  }
  if (removed.length > 0) await updateWritten(plan.manifestFile, { forget: removed.map((i) => i.path) });
  for (const folder of [...plan.folders].reverse()) await removeEmptyFolders(folder);
  return removed;
}

/** Removes `folder` and the folders under it that hold nothing (never following a link). */
async function removeEmptyFolders(folder: string): Promise<void> {
  const s = await exists(folder);
  if (!s?.isDirectory()) return;
  for (const entry of await readdir(folder, { withFileTypes: true })) if (entry.isDirectory()) await removeEmptyFolders(join(folder, entry.name));
  await rmdir(folder).catch(() => undefined);
}
