/**
 * The lock file `<manifest>.lock`: committed to git, so its bytes depend only on its content: JSON with
 * 2-space indentation, keys sorted at every level (jobs by id), one entry per job, a trailing newline,
 * output paths relative to the manifest's directory with forward slashes.
 */
import { isAbsolute, relative, win32 } from 'node:path';
import type { LockEntry, LockFile } from '../model.js';

/**
 * A table keyed by job id, without a prototype: a job named `__proto__`, `constructor` or `toString` is
 * an ordinary key (on a plain object, assigning `__proto__` replaces the prototype and reading
 * `constructor` finds Object's).
 */
export function jobTable<T>(entries: Iterable<[string, T]> = []): Record<string, T> {
  const table = Object.create(null) as Record<string, T>;
  for (const [id, value] of entries) table[id] = value;
  return table;
}

export const emptyLock = (): LockFile => ({ version: 1, jobs: jobTable() });

/** JSON.stringify(value, null, 2) with object keys in code-unit order, including integer-like keys. */
export function canonicalJson(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store the number ${value}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`cannot store a value of type ${typeof value}`);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + canonicalJson(item ?? null, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  const body = keys.map((key) => `${inner}${JSON.stringify(key)}: ${canonicalJson((value as Record<string, unknown>)[key], inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

export function serializeLock(lock: LockFile): string {
  return `${canonicalJson({ version: 1, jobs: lock.jobs })}\n`;
}

/** An output path as the lock file stores it: relative to the manifest's directory, forward slashes. */
export function portableOutputPath(output: string, manifestDir: string): string {
  const relativePath = isAbsolute(output) || win32.isAbsolute(output) ? relative(manifestDir, output) : output;
  return relativePath.replace(/\\/g, '/');
}

export function withPortablePaths(lock: LockFile, manifestDir: string): LockFile {
  const jobs = jobTable(Object.entries(lock.jobs).map(([id, entry]) => [id, { ...entry, output: portableOutputPath(entry.output, manifestDir) }]));
  return { version: 1, jobs };
}

export type LockParse = { ok: true; lock: LockFile } | { ok: false; problems: string[] };

export function parseLock(text: string): LockParse {
  if (/^(<<<<<<<|>>>>>>>|=======)/m.test(text)) return { ok: false, problems: ['it contains git merge conflict markers; resolve the conflict first'] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  if (!isObject(data)) return { ok: false, problems: ['not a JSON object'] };
  if (data.version !== 1) return { ok: false, problems: [`unsupported version ${JSON.stringify(data.version)} (this pixrender reads version 1)`] };
  if (!isObject(data.jobs)) return { ok: false, problems: ['"jobs" is not an object'] };
  const problems: string[] = [];
  for (const [id, entry] of Object.entries(data.jobs)) {
    const problem = lockEntryProblem(entry);
    if (problem) problems.push(`job ${JSON.stringify(id)}: ${problem}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, lock: { version: 1, jobs: jobTable(Object.entries(data.jobs as Record<string, LockEntry>)) } };
}

const ENTRY_FIELDS: Record<string, 'string' | 'number' | 'boolean' | 'object'> = {
  fingerprint: 'string',
  kind: 'string',
  endpoint: 'string',
  params: 'object',
  videoId: 'string',
  url: 'string',
  output: 'string',
  sha256: 'string',
  size: 'number',
  credits: 'number',
  offPeak: 'boolean',
  submittedAt: 'string',
  completedAt: 'string',
};

/** Why a value is not a LockEntry, or undefined when it is one. */
export function lockEntryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return 'not an object';
  for (const [field, type] of Object.entries(ENTRY_FIELDS)) {
    const value = entry[field];
    if (type === 'object' ? !isObject(value) : typeof value !== type) return `"${field}" should be ${type === 'object' ? 'an object' : `a ${type}`}`;
  }
  if (entry.seed !== undefined && typeof entry.seed !== 'number') return '"seed" should be a number';
  if (entry.plannedCredits !== undefined && typeof entry.plannedCredits !== 'number') return '"plannedCredits" should be a number';
  const conflict = entry.mergeConflict;
  if (conflict !== undefined && !(isObject(conflict) && (conflict.kept === 'ours' || conflict.kept === 'theirs') && typeof conflict.droppedVideoId === 'string'))
    return '"mergeConflict" should be {kept: "ours" | "theirs", droppedVideoId}';
  return undefined;
}

/**
 * Adds journal completions to a lock: per job the entry completed last wins (ties go to the journal),
 * except that the lock's own entry for the same video stays, so a merge's conflict mark survives.
 */
export function mergeCompletions(lock: LockFile, completions: ReadonlyMap<string, LockEntry>): LockFile {
  const jobs = jobTable(Object.entries(lock.jobs));
  for (const [id, entry] of completions) {
    const existing = jobs[id];
    if (existing?.videoId === entry.videoId) continue;
    if (!existing || compareTimes(existing.completedAt, entry.completedAt) <= 0) jobs[id] = entry;
  }
  return { version: 1, jobs };
}

function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a < b ? -1 : a > b ? 1 : 0;
  return ta - tb;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
