/**
 * What `pixrender clean` may remove: renders this manifest wrote that it no longer names, the copies
 * kept in .pixrender/aside/, and watch --preview renders. A file goes only when pixrender provably
 * wrote it for this manifest — a lock entry whose sha256 it still has, or this manifest's claim in the
 * folder's claims file — and it is a regular file inside the project (no symbolic link on the way out),
 * not the manifest, its lock or the project config, and not an output the manifest still names.
 */
import { lstat, readFile, realpath, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { sha256File } from './hash.js';
import { inside } from './manifest/outputs-guard.js';
import type { LockFile, ResolvedManifest } from './model.js';
import { CLAIMS_FILE } from './state/output-claim.js';

export interface CleanItem {
  /** Absolute path. */
  path: string;
  /** 'file' is one render; 'folder' a state folder removed with all it holds. */
  kind: 'file' | 'folder';
  why: string;
}
export interface Kept {
  path: string;
  why: string;
}
export interface CleanPlan {
  remove: CleanItem[];
  kept: Kept[];
}

const exists = (p: string) => lstat(p).then((s) => s, () => undefined);

/** The folder a path really is in, or undefined when it does not exist. */
async function realFolder(path: string): Promise<string | undefined> {
  return realpath(dirname(path)).catch(() => undefined);
}

async function claimsOf(folder: string): Promise<Record<string, string>> {
  try {
    const data = JSON.parse(await readFile(join(folder, CLAIMS_FILE), 'utf8')) as { files?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(data.files ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** Decides what to remove; removes nothing. `protectedFiles` are never removed (manifest, lock, config). */
export async function planClean(manifest: ResolvedManifest, lock: LockFile, protectedFiles: readonly string[]): Promise<CleanPlan> {
  const manifestFile = resolve(manifest.file);
  const base = dirname(manifestFile);
  const root = await realpath(base);
  const current = new Set([...manifest.jobs.map((j) => resolve(base, j.output)), ...manifest.post.map((p) => resolve(base, p.output))]);
  const guarded = new Set(protectedFiles.map((p) => resolve(p)));
  const plan: CleanPlan = { remove: [], kept: [] };
  const seen = new Set<string>();

  /** Whether `path` may go; says why not in `kept`. `proof` checks the file is the one pixrender wrote. */
  const consider = async (path: string, why: string, proof: () => Promise<string | undefined>) => {
    if (seen.has(path) || current.has(path)) return;
    seen.add(path);
    const keep = (reason: string) => plan.kept.push({ path, why: reason });
    if (!inside(base, path)) return keep('outside the project');
    if (guarded.has(path)) return keep('a file of the project (manifest, lock or config)');
    const stat = await exists(path);
    if (!stat) return;
    const folder = await realFolder(path);
    if (!folder || !inside(root, folder)) return keep('its folder leads outside the project (a symbolic link)');
    if (stat.isSymbolicLink()) return keep('a symbolic link, not a render');
    if (!stat.isFile()) return keep('not a file');
    const real = join(folder, basename(path));
    if ([...current].some((c) => c === real) || guarded.has(real)) return keep('the same file as one the manifest still uses');
    const problem = await proof();
    if (problem) return keep(problem);
    plan.remove.push({ path, kind: 'file', why });
  };

  for (const [id, entry] of Object.entries(lock.jobs)) {
    const path = resolve(base, entry.output);
    await consider(path, `render of ${id}, no longer in the manifest`, async () =>
      (await sha256File(path)) === entry.sha256 ? undefined : 'changed since pixrender wrote it',
    );
  }

  // Post-step outputs are not in the lock: the claims file of each output folder says which names this manifest wrote.
  const folders = new Set([...current, ...Object.values(lock.jobs).map((e) => resolve(base, e.output))].map((p) => dirname(p)));
  for (const folder of folders) {
    const me = relative(folder, manifestFile).split('\\').join('/');
    for (const [name, owner] of Object.entries(await claimsOf(folder))) {
      if (owner !== me || name.includes('/') || name.includes('\\') || name === '..' || name === '.') continue;
      await consider(join(folder, name), 'an output this manifest wrote and no longer names', async () => undefined);
    }
  }

  // State folders of this project: only when .pixrender itself is a real folder inside it.
  const state = join(base, '.pixrender');
  const stateStat = await exists(state);
  if (stateStat?.isDirectory() && !stateStat.isSymbolicLink()) {
    for (const [name, why] of [
      ['aside', 'copies of superseded renders (.pixrender/aside)'],
      ['preview', 'watch --preview renders and their state (.pixrender/preview)'],
    ] as const) {
      const path = join(state, name);
      const s = await exists(path);
      if (!s) continue;
      if (s.isSymbolicLink() || !s.isDirectory()) plan.kept.push({ path, why: 'not a folder pixrender made (a link or a file)' });
      else plan.remove.push({ path, kind: 'folder', why });
    }
  } else if (stateStat) plan.kept.push({ path: state, why: 'not a folder pixrender made (a link or a file)' });
  return plan;
}

/** Removes what the plan lists, checking each path again just before (a link that appeared is left). */
export async function applyClean(plan: CleanPlan): Promise<CleanItem[]> {
  const removed: CleanItem[] = [];
  for (const item of plan.remove) {
    const s = await exists(item.path);
    if (!s || s.isSymbolicLink()) continue;
    if (item.kind === 'file' && !s.isFile()) continue;
    if (item.kind === 'folder' && !s.isDirectory()) continue;
    // rm never follows symbolic links inside a folder: it removes the links themselves.
    await rm(item.path, { recursive: item.kind === 'folder', force: true });
    removed.push(item);
  }
  return removed;
}
