/**
 * The build's validators (dist/manifest/<name>.validator.cjs) are compiled from the schema files as
 * checked in: `npm run schema` writes the manifest schema before it builds, so a new kind's field is
 * accepted after one run. Each validator names the sha256 of the schema text it was compiled from.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

describe.each(['manifest', 'config'])('the built %s validator', (name) => {
  it('was compiled from schemas/' + name + '.schema.json as it is now', () => {
    const schema = readFileSync(new URL(`schemas/${name}.schema.json`, root));
    const built = readFileSync(new URL(`dist/manifest/${name}.validator.cjs`, root), 'utf8');
    const from = /^\/\/ from schemas\/[\w.]+ sha256 ([0-9a-f]{64})$/m.exec(built)?.[1];
    expect(from, 'the validator names its schema (scripts/compile-schemas.mjs)').toBeDefined();
    expect(from, 'compiled from another schema: run `npm run schema` (or `npm run build`)').toBe(createHash('sha256').update(schema).digest('hex'));
  });
});
