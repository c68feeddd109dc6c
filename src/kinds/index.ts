/**
 * The job kinds, in manifest order: one file each. A new endpoint is a new file listed here; the job
 * kind union, the endpoints, the manifest schema and the request dispatch follow from this list.
 */
import { create } from './create.js';
import { extend } from './extend.js';
import { frames } from './frames.js';
import { fusion } from './fusion.js';
import { lipsync } from './lipsync.js';
import { modify } from './modify.js';
import { motionControl } from './motion-control.js';
import { restyle } from './restyle.js';
import { transition } from './transition.js';
import { upscale } from './upscale.js';
import type { KindDef } from './types.js';

export const KINDS = [create, frames, extend, restyle, fusion, transition, lipsync, upscale, modify, motionControl] as const;

type Kinds = (typeof KINDS)[number];
export type JobKind = Kinds['kind'];
export type Endpoint = Kinds['endpoint'];

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** The job fields of every kind, as TypeScript sees them (manifest/types.ts JobSpec). */
export type KindFields = Intersection<NonNullable<Kinds['fieldTypes']>>;

export const ENDPOINTS: readonly Endpoint[] = KINDS.map((k) => k.endpoint);

/** The kinds that have a job field of their own (all but create), in manifest order. */
export const KIND_KEYS: readonly JobKind[] = KINDS.flatMap((k) => (k.key === null ? [] : [k.key]));

const BY_KIND = new Map<string, KindDef<JobKind, Endpoint>>(KINDS.map((k) => [k.kind, k]));

export function kindDef(kind: JobKind): KindDef<JobKind, Endpoint> {
  return BY_KIND.get(kind)!;
}

export function isJobKind(name: string): name is JobKind {
  return BY_KIND.has(name);
}

/** The kind a job without a source field has. */
export const DEFAULT_KIND: JobKind = KINDS.find((k) => k.key === null)!.kind;
