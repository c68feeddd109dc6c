/**
 * The manifest JSON Schema, derived from the kinds: their job fields, `$defs` and then-step forms are
 * added to the base (schema-base.ts). schemas/manifest.schema.json is this, written by `npm run schema`
 * and checked by a test.
 *
 * It also holds rules the loader checks itself with its own codes (a job of two kinds or of none, a
 * field of another kind, a post step that is neither concat nor contactSheet): editors and ajv users see them; the loader skips
 * them (RULE_PATH, types.ts) and reports its own diagnostics.
 */
import { COMMON_FIELDS } from '../manifest/fields.js';
import { DEFAULT_KIND, KINDS, KIND_KEYS } from './index.js';
import { BASE_SCHEMA } from './schema-base.js';
import { has, type JsonSchema } from './types.js';

const RULE_COMMENT = 'Also checked by pixrender itself, which reports it with its own diagnostic code.';


type Defs = Record<string, JsonSchema & { properties?: Record<string, JsonSchema> }>;

export function manifestSchema(): JsonSchema {
  const schema = structuredClone(BASE_SCHEMA) as JsonSchema & { $defs: Defs };
  const defs: Defs = {};
  const steps: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(schema.$defs)) {
    if (name === 'thenStep')
      for (const k of KINDS) {
        Object.assign(defs, structuredClone(k.defs ?? {}));
        if (!k.step) continue;
        if ('$ref' in k.step) steps[k.kind] = structuredClone(k.step);
        else {
          defs[`${k.kind}Step`] = structuredClone(k.step);
          steps[k.kind] = { $ref: `#/$defs/${k.kind}Step` };
        }
      }
    defs[name] = def;
  }
  const stepNames = Object.keys(steps);
  defs.thenStep = {
    ...defs.thenStep,
    description: `One post-step: exactly one of ${stepNames.join(', ')}. Step N of job \`intro\` has the id \`intro.N\` and consumes step N-1 (\`intro.0\` is the job itself).`,
    properties: steps,
  };

  const job = defs.job!;
  const { then, matrix, ...common } = job.properties!;
  const kindFields: Record<string, JsonSchema> = {};
  for (const k of KINDS) Object.assign(kindFields, structuredClone(k.schema));
  const properties = { ...common, ...kindFields, then: then!, matrix: matrix! };
  defs.job = {
    ...job,
    description: `One render. The kind follows from its source field: ${words(KIND_KEYS, 'or')}; without one it is a ${DEFAULT_KIND} job (text-to-video, or image-to-video with \`image\`, optionally with an \`effect\`).`,
    properties,
    allOf: [jobKindRule(Object.keys(properties))],
  };
  defs.postStep = { ...defs.postStep, allOf: [postStepRule()] };
  return { ...schema, $defs: defs };
}

/**
 * A job has at most one source field and only its kind's fields; a job without one needs what its kind
 * needs (a prompt or an effect).
 */
function jobKindRule(fields: readonly string[]): JsonSchema {
  // A job of a kind has no field of another kind (another source field included).
  const foreign = (kind: (typeof KINDS)[number]) =>
    Object.fromEntries(fields.filter((f) => !kind.fields.includes(f) && !(COMMON_FIELDS as readonly string[]).includes(f)).map((f) => [f, false]));
  const keyed = KINDS.flatMap((k) => (k.key === null ? [] : [[k.key, { type: 'object', properties: foreign(k) }] as const]));
  const keyless = KINDS.filter((k) => k.key === null);
  return {
    $comment: RULE_COMMENT,
    type: 'object',
    dependentSchemas: Object.fromEntries(keyed),
    ...(keyless[0] ? { if: { type: 'object', not: { anyOf: KIND_KEYS.map((key) => has(key)) } }, then: { type: 'object', properties: foreign(keyless[0]) } } : {}),
    anyOf: [...KIND_KEYS.map((key) => has(key)), ...keyless.flatMap((k) => structuredClone(k.needs ?? []))],
  };
}

/** A post step is exactly one of concat and contactSheet. */
function postStepRule(): JsonSchema {
  return {
    $comment: RULE_COMMENT,
    oneOf: [
      has('concat'),
      has('contactSheet'),
    ],
  };
}

/** The file's text: what `npm run schema` writes and the test compares. */
export function manifestSchemaText(): string {
  return `${compact(manifestSchema(), '')}\n`;
}

/** JSON with two-space indents, where an object or list that fits in a line of 120 stays on one. */
function compact(value: unknown, indent: string): string {
  const line = oneLine(value);
  if (typeof value !== 'object' || value === null || indent.length + line.length <= 120) return line;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + compact(v, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compact(v, inner)}`).join(',\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }`;
}

function words(list: readonly string[], last: string): string {
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} ${last} ${list.at(-1)}` : (list[0] ?? '');
}
