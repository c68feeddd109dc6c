/**
 * JSON Schema validation (ajv, draft 2020-12) of manifests and project configs, with every ajv error
 * turned into a Diagnostic that points at the YAML node (or, for unknown and missing fields, its key).
 *
 * Codes: `unknown-field`, `missing-field`, `invalid-name`, and `schema` for any other shape error; a few
 * limits keep the code of their semantic check (`prompt-too-long`, `lipsync-text-too-long`,
 * `transition-length`, `fusion-images`) so the code does not depend on which check found it.
 */
import { readFileSync } from 'node:fs';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { createRequire } from 'node:module';
import { AJV_OPTIONS, withoutEditorRules } from './schema-options.js';
import type { Diagnostic } from '../diagnostic.js';
import { closest } from '../catalog.js';
import { RULE_PATH } from '../kinds/types.js';
import { builtFile, packageFile } from '../package-files.js';
import type { SourceMap, YamlPath } from './source.js';

const require = createRequire(import.meta.url);

export type SchemaName = 'manifest' | 'config';

let ajv: Ajv2020 | undefined;
const compiled: Partial<Record<SchemaName, ValidateFunction | null>> = {};

export function loadSchemaJson(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(packageFile(`schemas/${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * The validator of a schema: the build's standalone code (dist/manifest/<name>.validator.cjs, made by
 * scripts/compile-schemas.mjs) when it is there, else compiled now from the JSON (running from src/).
 */
export function schemaValidator(name: SchemaName): ValidateFunction {
  if (compiled[name] === undefined) {
    try {
      compiled[name] = require(builtFile(`manifest/${name}.validator.cjs`)) as ValidateFunction;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      compiled[name] = null;
    }
  }
  return compiled[name] ?? compileValidator(name);
}

/** Compiles the schemas with ajv (about 0.4 s): what the build does ahead of time. */
export function compileValidator(name: SchemaName): ValidateFunction {
  if (!ajv) {
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    // ajv-formats is CommonJS whose module.exports is the plugin.
    const addFormats = require('ajv-formats') as FormatsPlugin;
    ajv = new Ajv({ ...AJV_OPTIONS });
    addFormats(ajv);
    ajv.addSchema(withoutEditorRules(loadSchemaJson('manifest')) as Record<string, unknown>);
    ajv.addSchema(withoutEditorRules(loadSchemaJson('config')) as Record<string, unknown>);
  }
  return ajv.getSchema(`${name}.schema.json`)!;
}

export interface SchemaProblem {
  path: YamlPath;
  diagnostic: Diagnostic;
}

/**
 * Validates `value` and maps the errors into the YAML. `prefix` is where the value sits in the file
 * (e.g. `['pixrender']` inside package.json).
 */
export function validateSchema(name: SchemaName, value: unknown, source: SourceMap, prefix: YamlPath = []): SchemaProblem[] {
  const validate = schemaValidator(name);
  if (validate(value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of pruneAlternatives((validate.errors ?? []).filter((e) => !checkedByLoader(e)), value)) {
    const problem = toProblem(e, source, prefix);
    if (!problem) continue;
    const key = `${problem.diagnostic.location?.range.offset}:${problem.diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** The schema's editor rules that the loader reports itself, with its own codes (src/kinds/schema.ts). */
const checkedByLoader = (e: ErrorObject): boolean => e.schemaPath.startsWith(RULE_PATH);

function toProblem(e: ErrorObject, source: SourceMap, prefix: YamlPath): SchemaProblem | undefined {
  const path = [...prefix, ...pointerToPath(e.instancePath)];
  const field = displayPath(path);
  const error = (code: string, message: string, location = source.value(path), hint?: string): SchemaProblem => ({
    path,
    diagnostic: { severity: 'error', code, message, location, ...(hint ? { hint } : {}) },
  });
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(name, known);
      return {
        path: [...path, name],
        diagnostic: {
          severity: 'error',
          code: 'unknown-field',
          message: `unknown field "${name}"${field ? ` in ${field}` : ''}`,
          location: source.childKey(path, name),
          ...(guess ? { hint: `did you mean "${guess}"?` } : known.length ? { hint: `expected one of: ${known.join(', ')}` } : {}),
        },
      };
    }
    case 'required':
      return error('missing-field', `${field || 'the manifest'} is missing required field "${String(params.missingProperty)}"`, source.key(path));
    case 'propertyNames': {
      const name = String(params.propertyName);
      return {
        path: [...path, name],
        diagnostic: {
          severity: 'error',
          code: 'invalid-name',
          message: `"${name}" is not a valid ${nameKind(path)}`,
          location: source.childKey(path, name),
          hint: 'names start with a letter or _, then letters, digits, _ or -',
        },
      };
    }
    case 'pattern':
      // Name patterns are reported once, by their propertyNames error.
      if (e.propertyName !== undefined) return undefined;
      return error('schema', `${field} must match ${String(params.pattern)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return error(
        'schema',
        `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(e.data)})`,
        undefined,
        guess ? `did you mean "${guess}"?` : undefined,
      );
    }
    case 'const':
      return error('schema', `${field || 'the value'} must be ${JSON.stringify(params.allowedValue)}`);
    case 'type':
      return error('schema', `${field || 'the manifest'} must be ${typeWords(params.type)}`);
    case 'format':
      return error(
        'schema',
        `${field} must be ${params.format === 'date-time' ? 'an ISO date-time' : `a valid ${String(params.format)}`} (got ${JSON.stringify(e.data)})`,
        undefined,
        params.format === 'date-time' ? 'e.g. 2026-12-01T09:00:00Z' : undefined,
      );
    case 'anyOf':
      return error('schema', `${field} must be ${alternativesWords(e.schema)}`);
    case 'minItems':
    case 'maxItems':
      if (last(path) === 'transition') return error('transition-length', `a transition takes 2 to 7 items (got ${(e.data as unknown[]).length})`);
      return error('schema', `${field} ${e.message ?? 'has the wrong length'}`);
    case 'minProperties':
    case 'maxProperties':
      if (last(path) === 'images' && path.at(-2) === 'fusion')
        return error('fusion-images', `fusion takes 1 to 3 images (got ${Object.keys(e.data as object).length})`);
      return error('schema', `${field} ${e.message ?? 'has the wrong number of fields'}`);
    case 'maxLength': {
      const limit = Number(params.limit);
      const length = String(e.data).length;
      const code = path.at(-1) === 'text' && (path.includes('lipsync') || path.at(-3) === 'then') ? 'lipsync-text-too-long' : 'prompt-too-long';
      return error(code, `${field} is ${length} characters; the limit is ${limit}`);
    }
    default:
      return error('schema', `${field || 'the manifest'} ${e.message ?? 'is invalid'}`);
  }
}

/**
 * anyOf errors list every alternative's failures. Keep only the alternative whose type matches the value
 * (e.g. the object form of a frame reference when an object was written); if none matches, keep the anyOf.
 * Each anyOf is judged on its own value: the same schema position (a shared `$defs` entry) is reached once
 * per job, and one job's mistake must neither hide nor excuse another's.
 */
function pruneAlternatives(errors: ErrorObject[], root: unknown): ErrorObject[] {
  // The branch each anyOf's value matches (-1: none), by schema path and then instance path. Errors are
  // then checked against the anyOfs above them in one pass, looking up only their own path prefixes;
  // comparing every error with every anyOf error is quadratic when thousands of jobs have a bad reference.
  const anyOfs = new Map<string, Map<string, Set<number>>>();
  const drop = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf') continue;
    const branches = (e.schema as { type?: string | string[]; const?: unknown }[]) ?? [];
    const value = valueAt(root, pointerToPath(e.instancePath));
    const match = branches.findIndex((b) => branchAccepts(b, value));
    const byInstance = anyOfs.get(e.schemaPath) ?? new Map<string, Set<number>>();
    anyOfs.set(e.schemaPath, byInstance);
    const matches = byInstance.get(e.instancePath) ?? new Set<number>();
    byInstance.set(e.instancePath, matches);
    matches.add(match);
    if (match >= 0) drop.add(e);
  }
  if (anyOfs.size === 0) return errors;
  // An error inside an anyOf's alternatives (its schema path below the anyOf's, its instance path at or
  // below the anyOf's value) is dropped unless that anyOf's value matched this alternative.
  const insideUnmatched = (e: ErrorObject): boolean => {
    const schemaPath = e.schemaPath;
    for (let slash = schemaPath.indexOf('/'); slash >= 0; slash = schemaPath.indexOf('/', slash + 1)) {
      const byInstance = anyOfs.get(schemaPath.slice(0, slash));
      if (!byInstance) continue;
      const branch = Number(schemaPath.slice(slash + 1).split('/')[0]);
      for (const instance of instancePrefixes(e.instancePath)) {
        const matches = byInstance.get(instance);
        if (matches) for (const match of matches) if (match < 0 || branch !== match) return true;
      }
    }
    return false;
  };
  return errors.filter((e) => !drop.has(e) && !insideUnmatched(e));
}

/** `/a/b` → `/a/b`, `/a`, `` (a JSON pointer and the pointers of the values that contain it). */
function* instancePrefixes(pointer: string): Generator<string> {
  for (let end = pointer.length; end >= 0; end = pointer.lastIndexOf('/', end - 1)) {
    yield pointer.slice(0, end);
    if (end === 0) return;
  }
}

function branchAccepts(branch: { type?: string | string[]; const?: unknown }, value: unknown): boolean {
  if ('const' in branch) return false;
  const types = branch.type === undefined ? [] : Array.isArray(branch.type) ? branch.type : [branch.type];
  return types.includes(jsonType(value));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v = root;
  for (const step of path) v = (v as Record<string | number, unknown> | undefined)?.[step];
  return v;
}

function alternativesWords(schema: unknown): string {
  const words = ((schema as { type?: string | string[]; const?: unknown }[]) ?? []).map((b) =>
    'const' in b ? JSON.stringify(b.const) : typeWords(b.type),
  );
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? 'valid');
}

function typeWords(type: unknown): string {
  const names = (Array.isArray(type) ? type : String(type).split(',')).map((t) =>
    t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'integer' ? 'an integer' : `a ${t}`,
  );
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'valid');
}

function nameKind(path: YamlPath): string {
  switch (last(path)) {
    case 'jobs':
      return 'job name';
    case 'assets':
      return 'asset name';
    case 'vars':
      return 'variable name';
    case 'matrix':
      return 'matrix key';
    case 'images':
      return 'image label';
    default:
      return 'name';
  }
}

function last(path: YamlPath): string | number | undefined {
  return path[path.length - 1];
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `jobs.intro.then[0].extend` */
export function displayPath(path: YamlPath): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step;
  return out;
}
