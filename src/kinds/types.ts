/**
 * What a job kind declares, once: its manifest field and schema, the endpoint and request it builds.
 * Everything else (JobKind, the manifest schema, the "field does not apply" check, the request
 * builder's dispatch) is derived from the list in index.ts.
 */
import type { InputMedium } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { SimBuilder } from '../sim/wire.js';
import type { CatalogDefaults, PlanRule } from './pricing.js';

/** A JSON Schema fragment (draft 2020-12), as it appears in schemas/manifest.schema.json. */
export type JsonSchema = Record<string, unknown>;

export interface KindDef<K extends string = string, E extends string = string, F extends object = object> {
  kind: K;
  /** The TypeScript shape of its own job fields (a type only, for JobSpec): `fieldTypes<{ extend?: string }>()`. */
  fieldTypes?: F;
  /** The job field that makes a job this kind; null for the kind of a job without one (create). */
  key: K | null;
  /** The API route it posts to. */
  endpoint: E;
  /** The job fields it accepts besides the common ones (description, vars, matrix, then, offPeak). */
  fields: readonly string[];
  /** Schemas of the fields only this kind has (shared settings such as model live in the base schema). */
  schema: Record<string, JsonSchema>;
  /** Further `$defs` its schemas refer to. */
  defs?: Record<string, JsonSchema>;
  /** The schema of its `then:` step form, when it can follow another job's video. */
  step?: JsonSchema;
  /**
   * For the kind of a job without a source field: what such a job needs to render at all (any one of
   * these), e.g. a prompt or an effect.
   */
  needs?: JsonSchema[];
  /** Whether its request takes a seed (derived from the job id when none is set). */
  seeded: boolean;
  /** Fills the request's params and inputs and reports the kind's own problems. */
  build(b: RequestBuilder): void;
  /** What it consumes and produces and how it is priced. */
  plan: PlanRule;
  /** Local inputs whose length counts for its price, and what they hold. */
  media?: Readonly<Record<string, InputMedium>>;
  /** Catalog entries for its endpoint, used where catalog data has none (a kind newer than the data). */
  catalog?: CatalogDefaults;
  /** Its simulator behaviour: the wire body's checks (a 400 names the field) and the video it makes. */
  sim: {
    build: SimBuilder;
    /** It checks its own models and qualities; the catalog's model × quality × duration check does not apply. */
    ownLimits?: boolean;
  };
  /** How the gallery words its link to a job whose video it uses ("extends", "upscales"). */
  relation: string;
}

/** Keeps the literal kind and endpoint names, so unions derive from the registry. */
export function defineKind<const K extends string, const E extends string, F extends object = object>(def: KindDef<K, E, F>): KindDef<K, E, F> {
  return def;
}

/** A type carried by a kind's declaration and nothing at run time. */
export function fieldTypes<F extends object>(): F | undefined {
  return undefined;
}

/** An object with these fields (declared here too: ajv's strict mode wants every required field declared). */
export function has(...fields: string[]): JsonSchema {
  return { type: 'object', required: fields, properties: Object.fromEntries(fields.map((f) => [f, true])) };
}

/**
 * Where ajv reports errors under the schema's kind rules (schema.ts; the job and post-step `$defs` are
 * compiled as schemas of their own, so the path starts at them): the loader leaves them to its own
 * checks (job-kind, missing-prompt, post-kind). The rules are the only `allOf` in the schema.
 */
export const RULE_PATH = '#/allOf/';
