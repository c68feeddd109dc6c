/**
 * One fixture per diagnostic code: each file under test/fixtures/manifests/ ends with
 * `# expect: CODE LINE:COL` lines, and loading it must give exactly those diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostic.js';
import { loadManifest, MANIFEST_DIAGNOSTIC_CODES } from '../../src/manifest/index.js';

const dir = 'test/fixtures/manifests';
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (\S+) (\d+:\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

describe('diagnostic fixtures', () => {
  it.each(fixtures)('%s', async (name) => {
    const file = `${dir}/${name}`;
    const text = readFileSync(file, 'utf8');
    const expected = expectations(text);
    expect(expected.length).toBeGreaterThan(0);
    const result = await loadManifest(file);
    const index = new LineIndex(text);
    const actual = result.diagnostics.map((d) => {
      expect(d.location?.file).toBe(file);
      const { line, col } = index.position(d.location!.range.offset);
      return `${d.code} ${line}:${col}`;
    });
    expect(actual).toEqual(expected);
    const errors = result.diagnostics.some((d) => d.severity === 'error');
    expect(result.manifest === undefined).toBe(errors);
  });

  it('has a fixture for every code the manifest stage emits', () => {
    const covered = new Set(fixtures.flatMap((f) => expectations(readFileSync(`${dir}/${f}`, 'utf8')).map((e) => e.split(' ')[0])));
    const withoutFile = ['file-not-found', 'file-unreadable', 'file-too-large']; // no file to hold the expectation: tested in load.test.ts
    const missing = Object.keys(MANIFEST_DIAGNOSTIC_CODES).filter((c) => !covered.has(c) && !withoutFile.includes(c));
    expect(missing).toEqual([]);
    for (const code of covered) expect(Object.keys(MANIFEST_DIAGNOSTIC_CODES)).toContain(code);
  });

  it('lists every code in the docs table', () => {
    const docs = readFileSync('docs/manifest.md', 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...Object.keys(MANIFEST_DIAGNOSTIC_CODES), 'config-syntax', 'config-unreadable']);
  });
});
