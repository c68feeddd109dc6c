/**
 * A three-way merge of lock files, for git's merge driver (`pixrender merge-lock %O %A %B`). Lock
 * entries are per job and independent, so jobs are merged one by one: a job changed on one side only
 * takes that side; the same job rendered on both sides keeps the render completed last (ties: ours)
 * and is reported. Renders of two different requests are marked (`mergeConflict`), so the next plan
 * shows the job stale whichever request the merged manifest settles on; two renders of the same
 * request are both what it asks for, so the kept one stands. It cannot decide only when a lock is
 * unreadable (conflict markers, not JSON, another version): then nothing is merged.
 */
import { unreachable } from '../diagnostic.js';
import type { LockEntry, LockFile } from '../model.js';
import { canonicalJson, emptyLock, jobTable, parseLock } from './lock-file.js';

export type Side = 'ours' | 'theirs';

/** What the merge had to choose, one per job changed on both sides. */
export type MergeChoice =
  /** Both sides rendered the job, differently: `kept` is the render completed last. */
  | { kind: 'both-rendered'; job: string; kept: Side; keptVideoId: string; droppedVideoId: string; sameRequest: boolean }
  /** One side removed the job's entry, the other rendered it again: the render is kept. */
  | { kind: 'removed-and-rendered'; job: string; kept: Side; keptVideoId: string };

export type LockMerge =
  | { ok: true; lock: LockFile; choices: MergeChoice[] }
  | { ok: false; problems: { side: 'base' | Side; problem: string }[] };

export interface LockTexts {
  /** The common ancestor; empty when the file did not exist there (git passes an empty file). */
  base: string;
  ours: string;
  theirs: string;
}

export function mergeLockTexts(texts: LockTexts): LockMerge {
  const problems: { side: 'base' | Side; problem: string }[] = [];
  const read = (side: 'base' | Side): LockFile => {
    const text = texts[side];
    if (text.trim() === '') return emptyLock();
    const parsed = parseLock(text);
    if (parsed.ok) return parsed.lock;
    for (const problem of parsed.problems) problems.push({ side, problem });
    return emptyLock();
  };
  const base = read('base');
  const ours = read('ours');
  const theirs = read('theirs');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, ...mergeLocks(base, ours, theirs) };
}

export function mergeLocks(base: LockFile, ours: LockFile, theirs: LockFile): { lock: LockFile; choices: MergeChoice[] } {
  const ids = [...new Set([...Object.keys(base.jobs), ...Object.keys(ours.jobs), ...Object.keys(theirs.jobs)])].sort();
  const merged: [string, LockEntry][] = [];
  const choices: MergeChoice[] = [];
  for (const id of ids) {
    const o = base.jobs[id];
    const a = ours.jobs[id];
    const b = theirs.jobs[id];
    const picked = same(a, b) || same(o, b) ? a : same(o, a) ? b : choose(id, a, b, choices);
    if (picked) merged.push([id, picked]);
  }
  return { lock: { version: 1, jobs: jobTable(merged) }, choices };
}

/** Both sides changed the job's entry, and differently. */
function choose(job: string, a: LockEntry | undefined, b: LockEntry | undefined, choices: MergeChoice[]): LockEntry | undefined {
  if (!a || !b) {
    const kept: Side = a ? 'ours' : 'theirs';
    const entry = (a ?? b)!;
    choices.push({ kind: 'removed-and-rendered', job, kept, keptVideoId: entry.videoId });
    return entry;
  }
  const kept: Side = Date.parse(b.completedAt) > Date.parse(a.completedAt) ? 'theirs' : 'ours';
  const [keep, drop] = kept === 'ours' ? [a, b] : [b, a];
  const sameRequest = a.fingerprint === b.fingerprint;
  choices.push({ kind: 'both-rendered', job, kept, keptVideoId: keep.videoId, droppedVideoId: drop.videoId, sameRequest });
  if (sameRequest) return keep;
  const { mergeConflict: _earlier, ...rest } = keep;
  return { ...rest, mergeConflict: { kept, droppedVideoId: drop.videoId } };
}

const same = (x: LockEntry | undefined, y: LockEntry | undefined): boolean =>
  x === undefined || y === undefined ? x === y : canonicalJson(x) === canonicalJson(y);

/** A choice in words, for the merge driver's report. */
export function describeChoice(choice: MergeChoice): string {
  switch (choice.kind) {
    case 'both-rendered':
      return choice.sameRequest
        ? `${choice.job}: rendered on both sides from the same request; kept ${choice.kept} (${choice.keptVideoId}, completed last), dropped ${choice.droppedVideoId}`
        : `${choice.job}: rendered differently on both sides; kept ${choice.kept} (${choice.keptVideoId}, completed last), dropped ${choice.droppedVideoId}; marked stale: the next plan renders it again`;
    case 'removed-and-rendered':
      return `${choice.job}: removed on one side, rendered on the other; kept ${choice.kept} (${choice.keptVideoId})`;
    default:
      return unreachable(choice);
  }
}
