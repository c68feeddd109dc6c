/**
 * What pixrender wrote for one manifest outside its lock: post-step outputs, renders kept aside,
 * preview renders, the gallery's index.html — `.pixrender/<manifest>.written.json`, each file (relative
 * to the manifest's folder, forward slashes) with the sha256 of the bytes pixrender wrote. It is the
 * proof `clean` needs before it removes a file, and `gallery` before it replaces an index.html: a file
 * whose bytes still hash to its record is the one pixrender wrote; an edited one is the user's.
 * Updated under a short O_EXCL lock beside it (a render, watch --preview and gallery may write at once).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { assertStateWithin } from './contained.js';
import { makeFolder, nodeStateFs } from './fs.js';
import { STATE_DIR_NAME } from './layout.js';
import { acquireShortLock } from './process-lock.js';

const VERSION = 1;

/** What a recorded file is: `clean` removes post outputs and aside copies, never the gallery page. */
export type WrittenKind = 'post-output' | 'aside' | 'gallery';
const KINDS: readonly WrittenKind[] = ['post-output', 'aside', 'gallery'];

export interface Written {
  sha256: string;
  kind: WrittenKind;
}

export function writtenFile(manifestFile: string): string {
  const manifest = resolve(manifestFile);
  return join(dirname(manifest), STATE_DIR_NAME, `${basename(manifest)}.written.json`);
}

/** Every recorded file: absolute path → what pixrender wrote there. */
export async function readWritten(manifestFile: string): Promise<Map<string, Written>> {
  const base = dirname(resolve(manifestFile));
  const files = new Map<string, Written>();
  let data: { version?: unknown; files?: unknown };
  try {
    data = JSON.parse(await readFile(writtenFile(manifestFile), 'utf8')) as typeof data;
  } catch {
    return files;
  }
  if (data.version !== VERSION || typeof data.files !== 'object' || data.files === null) return files;
  for (const [path, value] of Object.entries(data.files)) {
    const { sha256, kind } = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof Written, unknown>>;
    if (typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) && KINDS.includes(kind as WrittenKind)) files.set(resolve(base, path), { sha256, kind: kind as WrittenKind });
  }
  return files;
}

/** Records `set` (absolute path → what was written) and drops `forget`. */
export async function updateWritten(manifestFile: string, change: { set?: ReadonlyMap<string, Written>; forget?: readonly string[] }): Promise<void> {
  const file = writtenFile(manifestFile);
  const base = dirname(resolve(manifestFile));
  await assertStateWithin(manifestFile);
  await makeFolder(dirname(file));
  const lock = await acquireShortLock(`${file}.lock`);
  try {
    const files = await readWritten(manifestFile);
    for (const path of change.forget ?? []) files.delete(resolve(path));
    for (const [path, written] of change.set ?? []) files.set(resolve(path), { sha256: written.sha256, kind: written.kind });
    const named = [...files].map(([path, written]) => [relative(base, path).split(sep).join('/'), written] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await writeFileAtomic(file, `${JSON.stringify({ version: VERSION, files: Object.fromEntries(named) }, null, 1)}\n`, nodeStateFs, [base]);
  } finally {
    await lock.release();
  }
}

export const recordWritten = (manifestFile: string, file: string, written: Written): Promise<void> => updateWritten(manifestFile, { set: new Map([[file, written]]) });
