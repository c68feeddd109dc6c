/**
 * The build compiles the schemas into standalone code (scripts/compile-schemas.mjs): it must judge every
 * manifest exactly as ajv compiling schemas/*.schema.json at run time does, errors included.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compileValidator } from '../../src/manifest/schema.js';

const dist = fileURLToPath(new URL('../../dist/manifest/', import.meta.url));
const folders = ['../../test/fixtures/manifests/', '../../examples/'].map((f) => fileURLToPath(new URL(f, import.meta.url)));

const shape = (v: ValidateFunction, value: unknown) => {
  const valid = v(value);
  return { valid, errors: (v.errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, message: e.message, hasParent: e.parentSchema !== undefined })) };
};

describe('standalone validators', () => {
  it('are built, and agree with the run-time compile on every fixture and example', () => {
    const file = `${dist}manifest.validator.cjs`;
    expect(existsSync(file), 'run `npm run build` first (npm test does)').toBe(true);
    const built = createRequire(import.meta.url)(file) as ValidateFunction;
    const runtime = compileValidator('manifest');
    let invalid = 0;
    let checked = 0;
    for (const folder of folders)
      for (const name of readdirSync(folder).filter((n) => n.endsWith('.yaml'))) {
        let value: unknown;
        try {
          value = parse(readFileSync(folder + name, 'utf8'));
        } catch {
          continue; // YAML errors never reach the schema
        }
        const a = shape(built, value);
        expect(a, name).toEqual(shape(runtime, value));
        checked++;
        if (!a.valid) invalid++;
      }
    expect(checked).toBeGreaterThan(40);
    expect(invalid).toBeGreaterThan(5);
  });

  it('the config validator agrees too', () => {
    const built = createRequire(import.meta.url)(`${dist}config.validator.cjs`) as ValidateFunction;
    const runtime = compileValidator('config');
    for (const value of [{ tokenEnv: 'X' }, { tokenEnv: '1bad' }, { backend: 'cloud' }, { defaults: { quality: '9000p' } }, { apiUrl: 'not a url' }, { nope: 1 }])
      expect(shape(built, value), JSON.stringify(value)).toEqual(shape(runtime, value));
  });
});
