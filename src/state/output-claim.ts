/**
 * Output ownership: each output file belongs to one manifest, so two manifests that share an output
 * folder cannot overwrite each other's renders back and forth. Per file, not per folder: manifests may
 * share a folder as long as their file names differ.
 *
 * Every output folder holds `.pixrender-claims.json`: file name → the manifest that owns it, relative to
 * the folder (so a moved or cloned project keeps its claims). A run claims all its outputs before it
 * submits or downloads anything; a name another manifest owns is an `output-claimed` error naming it.
 * A claim lapses when its manifest no longer exists, and a manifest's run gives up the names it no longer
 * writes in the folders it still writes to. Read-modify-write of a claims file happens under a short
 * O_EXCL lock beside it (process-lock.ts), so two runs claiming at the same moment cannot both win.
 * Callers hold the manifest's run lock (pipeline.ts claims after opening the state store).
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import type { ResolvedManifest } from '../model.js';
import { writeFileAtomic } from './atomic.js';
import { assertFolderWithin, writeRootsOf, type WriteRoots } from './contained.js';
import { makeFolder, nodeStateFs } from './fs.js';
import { acquireShortLock } from './process-lock.js';

export const CLAIMS_FILE = '.pixrender-claims.json';
const VERSION = 1;

interface Output {
  /** Absolute path. */
  file: string;
  location: SourceLocation;
}

/**
 * Claims every output of `manifest` (jobs and post steps) for it; returns one error per output another
 * manifest owns, and claims nothing in a folder where any name is taken.
 */
export async function claimOutputs(manifest: ResolvedManifest): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const within = writeRootsOf(manifest);
  for (const [folder, mine] of outputsByFolder(manifest)) diagnostics.push(...(await claimInFolder(resolve(manifest.file), folder, mine, within)));
  return diagnostics;
}

/** What `claimOutputs` would refuse, as warnings, without claiming anything (for `plan`). */
export async function claimConflicts(manifest: ResolvedManifest): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const [folder, mine] of outputsByFolder(manifest)) {
    const claimsFile = join(folder, CLAIMS_FILE);
    const taken = await takenIn(folder, await readClaims(claimsFile), resolve(manifest.file), mine);
    diagnostics.push(...taken.map((d) => ({ ...d, severity: 'warning' as const, message: `${d.message}; render refuses to write it` })));
  }
  return diagnostics;
}

function outputsByFolder(manifest: ResolvedManifest): Map<string, Output[]> {
  const base = dirname(manifest.file);
  const outputs: Output[] = [
    ...manifest.jobs.map((j) => ({ file: resolve(base, j.output), location: j.location })),
    ...manifest.post.map((p) => ({ file: resolve(base, p.output), location: p.location })),
  ];
  const byFolder = new Map<string, Output[]>();
  for (const o of outputs) {
    const list = byFolder.get(dirname(o.file));
    if (list) list.push(o);
    else byFolder.set(dirname(o.file), [o]);
  }
  return byFolder;
}

/** One error per output of `mine` that a manifest other than `manifestFile`, still on disk, owns. */
async function takenIn(folder: string, claims: Record<string, string>, manifestFile: string, mine: Output[]): Promise<Diagnostic[]> {
  const me = ownerName(folder, manifestFile);
  const alive = ownerCheck(folder);
  const taken: Diagnostic[] = [];
  for (const { file, location } of mine) {
    const owner = claims[basename(file)];
    if (owner === undefined || owner === me || !(await alive(owner))) continue;
    taken.push(claimedBy(file, resolve(folder, owner), join(folder, CLAIMS_FILE), location));
  }
  return taken;
}

async function claimInFolder(manifestFile: string, folder: string, mine: Output[], within: WriteRoots): Promise<Diagnostic[]> {
  await makeFolder(folder);
  const claimsFile = join(folder, CLAIMS_FILE);
  // The folder may have been swapped for a link since validation: neither the lock nor the claims go through it.
  await assertFolderWithin(claimsFile, within);
  const lock = await acquireShortLock(`${claimsFile}.lock`);
  try {
    const claims = await readClaims(claimsFile);
    const taken = await takenIn(folder, claims, manifestFile, mine);
    if (taken.length > 0) return taken;
    const me = ownerName(folder, manifestFile);
    const alive = ownerCheck(folder);
    const names = new Set(mine.map((o) => basename(o.file)));
    const next: Record<string, string> = {};
    for (const [name, owner] of Object.entries(claims)) if (owner !== me && (await alive(owner))) next[name] = owner;
    for (const name of names) next[name] = me;
    if (!sameClaims(claims, next)) await writeFileAtomic(claimsFile, serialize(next), nodeStateFs, within);
    await removeStaleTemps(folder, names);
    return [];
  } finally {
    await lock.release();
  }
}

/**
 * Temp files of names this manifest now owns — downloads (`.<name>.<12 hex>.part`, api/download.ts) and
 * atomic writes such as post steps (`.<name>.<12 hex>.tmp<ext>`, state/atomic.ts) — left by a killed run. Safe because the caller holds this manifest's run lock.
 */
async function removeStaleTemps(folder: string, names: ReadonlySet<string>): Promise<void> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  for (const entry of entries) {
    const m = /^\.(.+)\.[0-9a-f]{12}\.(?:part|tmp(?:\.[^.]+)?)$/.exec(entry);
    if (m && names.has(m[1]!)) await rm(join(folder, entry), { force: true }).catch(() => undefined);
  }
}

function claimedBy(file: string, owner: string, claimsFile: string, location: SourceLocation): Diagnostic {
  return {
    severity: 'error',
    code: 'output-claimed',
    message: `${file} belongs to ${owner}: two manifests writing it would overwrite each other's renders`,
    location,
    hint: `give this output another name or folder (output.dir / output.file), or, if ${basename(owner)} no longer writes it, remove "${basename(file)}" from ${claimsFile}`,
  };
}

/** The owner as stored: the manifest relative to the folder, with forward slashes. */
const ownerName = (folder: string, manifestFile: string): string => relative(folder, manifestFile).split('\\').join('/');

async function readClaims(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const data = JSON.parse(text) as { version?: unknown; files?: unknown };
    if (data.version !== VERSION || typeof data.files !== 'object' || data.files === null) return {};
    return Object.fromEntries(Object.entries(data.files).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // A damaged claims file (e.g. a merge conflict) protects nothing; the next claim rewrites it.
    return {};
  }
}

function serialize(claims: Record<string, string>): string {
  const files = Object.fromEntries(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ version: VERSION, files }, null, 2)}\n`;
}

function sameClaims(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Whether each owner manifest still exists, asked once per owner: a folder may hold thousands of claims by a few. */
function ownerCheck(folder: string): (owner: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (owner) => {
    let exists = known.get(owner);
    if (!exists) {
      exists = stat(resolve(folder, owner)).then(
        () => true,
        () => false,
      );
      known.set(owner, exists);
    }
    return exists;
  };
}
