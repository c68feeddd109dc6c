/**
 * The schemas are static JSON; these tests keep them in step with the catalog, the job field table,
 * and their own documentation (every property described, with examples that validate).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { COMMON_FIELDS, KIND_FIELDS, KIND_KEYS, MATRIX_FIELDS } from '../../src/manifest/fields.js';
import { loadSchemaJson } from '../../src/manifest/schema.js';
import { OFF_PEAK_POLICIES, SETTING_NAMES } from '../../src/manifest/types.js';

type Schema = Record<string, any>;
const manifest = loadSchemaJson('manifest') as Schema;
const config = loadSchemaJson('config') as Schema;
const reference = JSON.parse(readFileSync('catalog/models.json', 'utf8'));

const union = (lists: string[][]): string[] => [...new Set(lists.flat())].sort();

describe('enums match the catalog', () => {
  const models = Object.values<any>(reference.models);
  it('quality: a pattern every quality of every catalog model matches, and nothing else', () => {
    const pattern = new RegExp(manifest.$defs.quality.pattern);
    for (const m of Object.values(loadCatalog().models)) for (const q of m.qualities) expect(q).toMatch(pattern);
    for (const bad of ['720', 'hd', '4k', '720P']) expect(bad).not.toMatch(pattern);
  });
  it('motion', () => {
    expect(manifest.$defs.motion.enum).toEqual(reference.global.motion_modes.values);
    expect([...manifest.$defs.motion.enum].sort()).toEqual(union(models.map((m) => m.motion_modes?.values ?? [])));
  });
  it('aspect', () => {
    expect(manifest.$defs.aspect.enum).toEqual(reference.global.aspect_ratios.values);
  });
  it('offPeak', () => {
    expect(manifest.$defs.offPeak.enum).toEqual(OFF_PEAK_POLICIES);
  });
  it('config catalog overrides name exactly the catalog fields', () => {
    expect(Object.keys(config.properties.catalog.properties).sort()).toEqual(Object.keys(loadCatalog()).sort());
  });
});

describe('the schema matches the field tables', () => {
  it('job properties are the fields of all kinds', () => {
    const fields = new Set<string>([...COMMON_FIELDS, ...KIND_KEYS, ...Object.values(KIND_FIELDS).flat()]);
    expect(Object.keys(manifest.$defs.job.properties).sort()).toEqual([...fields].sort());
  });
  it('defaults are exactly the cascading settings, and the config defaults are the same', () => {
    expect(Object.keys(manifest.$defs.defaults.properties).sort()).toEqual([...SETTING_NAMES].sort());
    expect(config.properties.defaults.$ref).toBe('manifest.schema.json#/$defs/defaults');
  });
  it('matrix fields are job fields', () => {
    for (const f of MATRIX_FIELDS) expect(Object.keys(manifest.$defs.job.properties)).toContain(f);
  });
});

/** Every property schema (and map-value schema) with its JSON pointer; the kind rules (`allOf`) only name fields. */
function properties(schema: Schema, pointer: string, out: [string, Schema][] = []): [string, Schema][] {
  if (!schema || typeof schema !== 'object') return out;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'examples' || key === 'enum' || key === 'const' || key === 'allOf') continue;
    const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'properties') for (const [name, prop] of Object.entries<Schema>(value)) out.push([`${here}/${name}`, prop]);
    if (key === 'additionalProperties' && typeof value === 'object') out.push([here, value]);
    if (value && typeof value === 'object') properties(value as Schema, here, out);
  }
  return out;
}

function resolveRef(prop: Schema, root: Schema): Schema {
  const ref: string | undefined = prop.$ref;
  if (!ref) return prop;
  const [file, pointer] = ref.split('#') as [string, string];
  const doc = file === '' ? root : file === 'manifest.schema.json' ? manifest : config;
  return pointer.split('/').slice(1).reduce((s: Schema, k) => s[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe.each([
  ['manifest', manifest],
  ['config', config],
] as const)('%s schema documentation', (name, root) => {
  const props = properties(root, '');

  it('describes every property and gives examples', () => {
    expect(props.length).toBeGreaterThan(15);
    const undocumented = props
      .filter(([, p]) => {
        const target = resolveRef(p, root);
        return !(p.description ?? target.description) || !(p.examples ?? target.examples);
      })
      .map(([pointer]) => pointer);
    expect(undocumented).toEqual([]);
  });

  it("has examples that validate against their property's schema", () => {
    const failures: string[] = [];
    for (const [pointer, prop] of props) {
      const examples: unknown[] = prop.examples ?? resolveRef(prop, root).examples ?? [];
      const validate = ajv().compile({ $ref: `${name}.schema.json#${pointer}` });
      for (const example of examples) if (!validate(example)) failures.push(`${pointer}: ${JSON.stringify(example)}`);
    }
    expect(failures).toEqual([]);
  });
});

let instance: Ajv2020 | undefined;
/** A separate ajv holding both schemas, to compile small schemas that point into them. */
function ajv(): Ajv2020 {
  if (!instance) {
    instance = new Ajv2020({ strict: true, allowUnionTypes: true });
    (createRequire(import.meta.url)('ajv-formats') as FormatsPlugin)(instance);
    instance.addSchema(manifest);
    instance.addSchema(config);
  }
  return instance;
}
