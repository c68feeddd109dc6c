/** schemas/manifest.schema.json is generated from the job kinds, and rejects what the loader rejects. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KINDS, KIND_KEYS } from '../../src/kinds/index.js';
import { manifestSchemaText } from '../../src/kinds/schema.js';
import { codes, load } from './helpers.js';

const addFormats = createRequire(import.meta.url)('ajv-formats');
const file = readFileSync('schemas/manifest.schema.json', 'utf8');

describe('generated manifest schema', () => {
  it('is checked in as the kinds generate it (run `npm run schema` after changing a kind)', () => {
    expect(file).toBe(manifestSchemaText());
  });

  it('has every kind field, and a then-step form for the kinds that declare one', () => {
    const schema = JSON.parse(file);
    const props = Object.keys(schema.$defs.job.properties);
    for (const k of KINDS) for (const f of Object.keys(k.schema)) expect(props).toContain(f);
    for (const key of KIND_KEYS) expect(props).toContain(key);
    // The loader tells its own rules' errors by their `allOf` (RULE_PATH): no other may exist.
    const allOfs = [...file.matchAll(/"allOf"/g)].length;
    expect(allOfs).toBe(2);
    expect(Object.keys(schema.$defs.thenStep.properties).sort()).toEqual(KINDS.filter((k) => k.step).map((k) => k.kind).sort());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(file));
  const manifest = (jobs: object, extra: object = {}) => ({ version: 1, jobs, ...extra });

  it.each([
    ['a job with nothing to render', manifest({ a: {} })],
    ['a job with only an image', manifest({ a: { image: 'hero.png' } })],
    ['a job of two kinds', manifest({ a: { prompt: 'x' }, b: { extend: 'a', restyle: 'a', prompt: 'y' } })],
    ['a field of another kind', manifest({ a: { prompt: 'x' }, b: { extend: 'a', image: 'hero.png' } })],
    ['a create job with a field of another kind', manifest({ a: { prompt: 'x', durations: [5] } })],
    ['an empty post step', manifest({ a: { prompt: 'x' } }, { post: [{}] })],
    ['a post step of two kinds', manifest({ a: { prompt: 'x' } }, { post: [{ concat: ['a'], contactSheet: 'all', output: 'x.mp4' }] })],
  ])('rejects %s, as the loader does', (_name, value) => {
    expect(validate(value)).toBe(false);
  });

  it.each([
    ['a prompt', { prompt: 'x' }],
    ['an effect', { effect: 'Cinematic Zoom', image: 'hero.png' }],
    ['a prompt from the matrix', { matrix: { prompt: ['x', 'y'] } }],
    ['one source field', { extend: 'other' }],
    ['the fields of its kind', { extend: 'other', prompt: 'p', duration: 8, offPeak: 'auto', then: [{ upscale: null }] }],
    ['an image and a prompt', { image: 'hero.png', prompt: 'p', speech: { text: 'hi' } }],
  ])('accepts a job with %s', (_name, job) => {
    expect(validate(manifest({ other: { prompt: 'o' }, a: job }))).toBe(true);
  });

  it('leaves those rules to the loader, which reports them once with its own codes', async () => {
    const yaml = ['version: 1', 'jobs:', '  a: {}', '  b:', '    extend: c', '    restyle: c', '  c:', '    prompt: x', '  d:', '    upscale: c', '    prompt: y', 'post:', '  - {}', ''].join('\n');
    expect(codes(await load(yaml)).sort()).toEqual(['field-not-allowed', 'job-kind', 'missing-prompt', 'post-kind']);
  });
});
