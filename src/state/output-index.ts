/**
 * Which cached outputs are still the files the lock recorded. A file counts only when its sha256 is the
 * lock's; hashing every video on every plan would be slow, so, like git's index, a local file remembers
 * what each output hashed to together with its stat (size, mtime, ctime, inode) and a later check hashes
 * only files whose stat changed or is unknown. The index lives under `.pixrender/` beside the manifest
 * (`<manifest name>.outputs.json`), never in the committed lock: stat values differ across clones.
 *
 * The index is a cache: unreadable means empty, unwritable means slower, and it never says "present" on
 * its own — only "this stat hashed to X", compared against the lock's sha256 each time.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { sha256File } from '../hash.js';
import { writeFileAtomic } from './atomic.js';
import type { WriteRoots } from './contained.js';
import { makeFolder, nodeStateFs } from './fs.js';

export interface OutputCheck {
  id: string;
  /** Absolute path of the output file. */
  file: string;
  /** What the lock recorded. */
  size?: number;
  sha256?: string;
}

export interface VerifyOptions {
  /** Where the index lives. @default `.pixrender` beside the manifest */
  stateDir?: string;
  /** @default sha256File (a seam for tests that count hashes) */
  hashFile?: (file: string) => Promise<string>;
}

interface Stamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface IndexEntry extends Stamp {
  sha256: string;
  /** When the hash was taken (ms): a file changed within the timestamp resolution after it is not trusted. */
  hashedAt: number;
}

const VERSION = 1;
/** Coarser than any file system's timestamps (FAT: 2 s), so an edit right after hashing is always seen. */
const RACY_MS = 2_000;
const PARALLEL = 8;

/** The ids of `checks` whose file is on disk with the lock's size and sha256. */
export async function verifiedOutputs(manifestFile: string, checks: readonly OutputCheck[], options: VerifyOptions = {}): Promise<Set<string>> {
  const base = dirname(manifestFile);
  const indexFile = join(options.stateDir ?? join(base, '.pixrender'), `${basename(manifestFile)}.outputs.json`);
  const hashFile = options.hashFile ?? sha256File;
  const before = await readIndex(indexFile);
  const after: Record<string, IndexEntry> = {};
  const present = new Set<string>();
  let changed = false;

  const verify = async (check: OutputCheck): Promise<void> => {
    const key = relative(base, check.file).split('\\').join('/');
    const now = await stampOf(check.file);
    if (!now || (check.size !== undefined && now.size !== check.size)) return;
    // An older lock without a hash: the size is all there is to compare.
    if (check.sha256 === undefined) return void present.add(check.id);
    let entry = before[key];
    if (!entry || !sameStamp(entry, now) || entry.hashedAt - entry.mtimeMs < RACY_MS) {
      const hashedAt = Date.now();
      const sha256 = await hashFile(check.file).catch(() => undefined);
      if (sha256 === undefined) return;
      const then = await stampOf(check.file);
      // Changed while it was read: use the result this once, remember nothing.
      entry = then && sameStamp(then, now) ? { ...now, sha256, hashedAt } : undefined;
      changed = true;
      if (!entry) return void (sha256 === check.sha256 && present.add(check.id));
    }
    after[key] = entry;
    if (entry.sha256 === check.sha256) present.add(check.id);
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, checks.length) }, async () => {
      while (next < checks.length) await verify(checks[next++]!);
    }),
  );
  // The default index is in .pixrender/, which must really be in the project when it is written.
  if (changed || Object.keys(before).some((key) => !(key in after))) await writeIndex(indexFile, after, options.stateDir ? undefined : [base]);
  return present;
}

async function stampOf(file: string): Promise<Stamp | undefined> {
  const s = await stat(file).catch(() => undefined);
  return s?.isFile() ? { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino } : undefined;
}

const sameStamp = (a: Stamp, b: Stamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

async function readIndex(file: string): Promise<Record<string, IndexEntry>> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; files?: unknown };
    if (data.version !== VERSION || typeof data.files !== 'object' || data.files === null) return {};
    return Object.fromEntries(Object.entries(data.files as Record<string, unknown>).filter((e): e is [string, IndexEntry] => isEntry(e[1])));
  } catch {
    return {};
  }
}

function isEntry(v: unknown): v is IndexEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.sha256 === 'string' && ['size', 'mtimeMs', 'ctimeMs', 'ino', 'hashedAt'].every((k) => typeof e[k] === 'number');
}

/** Best effort: a read-only or full disk costs the next plan some hashing, nothing else. */
async function writeIndex(file: string, files: Record<string, IndexEntry>, within: WriteRoots | undefined): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  try {
    await makeFolder(dirname(file));
    await writeFileAtomic(file, `${JSON.stringify({ version: VERSION, files: sorted })}\n`, nodeStateFs, within);
  } catch {
    // The index only saves time.
  }
}
