/**
 * Fingerprints: what makes a job's output what it is, hashed.
 *
 * ┌─ THE FINGERPRINT RECORD (version 1) — this comment is the one place that lists what goes in ─────────┐
 * │ {                                                                                                   │
 * │   v: 1,                       bump when the record's meaning changes (every job becomes stale)      │
 * │   kind: JobKind,              create | frames | extend | ...                                        │
 * │   endpoint: Endpoint,         videos/create | ...                                                   │
 * │   params: {...},              the resolved request fields known before running (after tool         │
 * │                               defaults, project config, manifest defaults, job fields, vars,       │
 * │                               matrix), wire names, minus `off_peak_mode`                           │
 * │   inputs: {                   one entry per run-time request field (first_frame_path, video_id...) │
 * │     [field]: { asset: sha256 }                   a local file: its content hash, never its path    │
 * │            | { job: Fingerprint, frame? }        another job's output: that job's fingerprint,     │
 * │   }                                              plus `first`/`last` when a frame of it is used    │
 * │ }                                                                                                   │
 * │ serialised as canonical JSON (keys sorted at every level, no whitespace) and hashed with sha256.   │
 * └─────────────────────────────────────────────────────────────────────────────────────────────────────┘
 *
 * Deliberately left out:
 * - The off-peak policy and the chosen mode. Off-peak changes what a render costs and how long it waits,
 *   not what it produces: the request is the same generation at a different price. If it were hashed,
 *   flipping `offPeak: always` to `never` (say, because a deadline moved) would throw away finished renders
 *   and pay for them again, which is the opposite of what the user asked for.
 * - The output path and the job id. The id is the lock key already (renaming a job is a new job by
 *   design); the output path is where the result is stored, not what it is. Moving the output dir moves
 *   files, it does not re-render.
 * - File paths and asset names: only content hashes enter, so the hash is the same on every OS, in every
 *   checkout location, and after renaming an asset that kept its bytes.
 * - Anything textual about the manifest (comments, whitespace, key order, how a value was spelled): the
 *   record is built from resolved values and serialised with sorted keys.
 * Upstream jobs enter through their fingerprints, so a change anywhere upstream changes every job below it.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Endpoint } from './catalog.js';
import { fingerprint, type Fingerprint, type InputRef, type JobId, type JobKind, type ResolvedJob } from './model.js';

export const FINGERPRINT_VERSION = 1;

/** Request fields that never enter the record (they change cost or delivery, not the output). */
const EXCLUDED_PARAMS: ReadonlySet<string> = new Set(['off_peak_mode', 'email', 'replyUrl', 'replyRef', 'maxJobs']);

export type ParamValue = string | number | boolean;
export type RecordInput = { asset: string } | { job: Fingerprint; frame?: 'first' | 'last' };

export interface FingerprintRecord {
  v: typeof FINGERPRINT_VERSION;
  kind: JobKind;
  endpoint: Endpoint;
  params: Record<string, ParamValue>;
  inputs: Record<string, RecordInput>;
}

/** Why a record could not be built: an input whose hash or upstream fingerprint is not known. */
export type MissingInput = { field: string; ref: InputRef };

/**
 * Builds a job's record. `assetHash` maps an asset file to its sha256, `upstream` a job id to its
 * fingerprint; a field whose value is unknown is returned in `missing` (the caller reports it).
 */
export function fingerprintRecord(
  job: ResolvedJob,
  assetHash: (file: string) => string | undefined,
  upstream: (id: JobId) => Fingerprint | undefined,
): { record: FingerprintRecord; missing: MissingInput[] } {
  const params: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(job.params)) if (!EXCLUDED_PARAMS.has(key)) params[key] = value;
  const inputs: Record<string, RecordInput> = {};
  const missing: MissingInput[] = [];
  for (const [field, ref] of Object.entries(job.inputs)) {
    if (ref.type === 'asset') {
      const sha = assetHash(ref.file);
      if (sha === undefined) missing.push({ field, ref });
      else inputs[field] = { asset: sha };
    } else {
      const fp = upstream(ref.job);
      if (fp === undefined) missing.push({ field, ref });
      else inputs[field] = ref.type === 'job-frame' ? { job: fp, frame: ref.frame } : { job: fp };
    }
  }
  return { record: { v: FINGERPRINT_VERSION, kind: job.kind, endpoint: job.endpoint, params, inputs }, missing };
}

/** JSON with object keys sorted at every level and no whitespace: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot fingerprint the number ${value}`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function hashRecord(record: FingerprintRecord): Fingerprint {
  return fingerprint(createHash('sha256').update(canonicalJson(record)).digest('hex'));
}

/** One side of a comparison: what the lock remembers, or what the manifest says now. */
export interface ChangeSubject {
  kind?: JobKind;
  params: Record<string, ParamValue>;
  /** The record's inputs, when known (older lock entries may not have them). */
  inputs?: Record<string, RecordInput>;
}

/** What an input field is called in a message: `image hero.png`, `upstream intro`. */
function inputLabel(field: string, ref: InputRef | undefined): string {
  if (!ref) return field;
  if (ref.type !== 'asset') return `upstream ${ref.job}`;
  const file = basename(ref.file);
  if (field === 'audio_path') return `audio ${file}`;
  if (field === 'video_path') return `video ${file}`;
  return `image ${file}`;
}

/** A value short and plain enough to show in a reason (`540p`, `8`, `true`); prose is not shown. */
const shortValue = (v: ParamValue): string | undefined => {
  const s = String(v);
  return s.length <= 24 && !/\s/.test(s) && s !== '' ? s : undefined;
};

/**
 * Explains, in a few words, why `after` is not what `before` rendered: `prompt changed`,
 * `duration changed (5 → 8)`, `upstream intro changed`, `image hero.png content changed`.
 * `refs` (the job's current inputs) names the files and jobs. Returns undefined when nothing visible
 * differs (e.g. the lock entry does not record inputs and only an input changed).
 */
export function describeChange(
  before: ChangeSubject,
  after: ChangeSubject,
  refs: Record<string, InputRef> = {},
): string | undefined {
  const reasons = changeReasons(before, after, refs);
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}

/** describeChange as a list, one entry per difference. */
export function changeReasons(before: ChangeSubject, after: ChangeSubject, refs: Record<string, InputRef> = {}): string[] {
  const reasons: string[] = [];
  if (before.kind !== undefined && after.kind !== undefined && before.kind !== after.kind)
    reasons.push(`kind changed (${before.kind} → ${after.kind})`);
  const changedParams: string[] = [];
  for (const key of unionKeys(before.params, after.params)) {
    if (EXCLUDED_PARAMS.has(key)) continue;
    const a = before.params[key];
    const b = after.params[key];
    if (a === b) continue;
    if (a === undefined) reasons.push(`${key} added`);
    else if (b === undefined) reasons.push(`${key} removed`);
    else {
      const [sa, sb] = [shortValue(a), shortValue(b)];
      if (sa !== undefined && sb !== undefined) reasons.push(`${key} changed (${sa} → ${sb})`);
      else changedParams.push(key);
    }
  }
  if (changedParams.length > 0) reasons.unshift(`${changedParams.join(', ')} changed`);
  if (before.inputs && after.inputs) {
    for (const field of unionKeys(before.inputs, after.inputs)) {
      const a = before.inputs[field];
      const b = after.inputs[field];
      if (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b)) continue;
      const label = inputLabel(field, refs[field]);
      if (a === undefined) reasons.push(`${label} added`);
      else if (b === undefined) reasons.push(`${field} removed`);
      else if ('asset' in b && 'asset' in a) reasons.push(`${label} content changed`);
      else reasons.push(`${label} changed`);
    }
  }
  return reasons;
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
