/**
 * Duplicate keys are found in one pass, exactly where yaml's own (quadratic) uniqueKeys check finds
 * them when it compares keys the way its conversion to data reads them: two keys that load as the same
 * property are duplicates, whatever they look like in the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCollection, isScalar, Pair, parseDocument, stringify, YAMLMap, type Document } from 'yaml';
import { duplicateKeyOffsets } from '../../src/manifest/duplicates.js';
import { parseYaml } from '../../src/manifest/parse.js';

/** The property a key becomes, by yaml's own toJS (a one-pair map converted in the document's context). */
function loadedKey(doc: Document, key: unknown): string | symbol {
  const resolved = (key as { resolve?: (d: Document) => unknown }).resolve?.(doc) ?? key;
  if (isCollection(resolved)) return Symbol('collection'); // a problem of its own (collection-key)
  if (isScalar(resolved) && typeof resolved.value === 'symbol') return Symbol('merge');
  const map = new YAMLMap();
  map.items.push(new Pair(key, null));
  return Object.keys(map.toJS(doc) as object)[0] ?? '';
}

/** Offsets of yaml's DUPLICATE_KEY errors with its own check, comparing keys as they load. */
function yamlDuplicates(text: string): number[] {
  const plain = parseDocument(text, { uniqueKeys: false, merge: true, prettyErrors: false, logLevel: 'error' });
  const doc = parseDocument(text, { uniqueKeys: (a, b) => loadedKey(plain, a) === loadedKey(plain, b), merge: true, prettyErrors: false, logLevel: 'error' });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
}

function ours(text: string): number[] {
  return duplicateKeyOffsets(parseDocument(text, { uniqueKeys: false, merge: true, prettyErrors: false }));
}

const CASES = [
  'a: 1\na: 2\n',
  'a: 1\na: 2\na: 3\n',
  'jobs:\n  x:\n    prompt: p\n  # comment\n  x:\n    prompt: q\n',
  '&k a: 1\n&j a: 2\n',
  'a: 1\n!!str a: 2\n',
  '"a": 1\n\'a\': 2\n',
  '{a: 1, a: 2}\n',
  'x: { a: 1,\n  # c\n  a: 2 }\n',
  '? a\n: 1\n? a\n: 2\n',
  ': 1\n: 2\n',
  '1: a\n"1": b\n',
  'true: a\n"true": b\n',
  'null: a\n~: b\n"": c\n',
  'a: &k kk\nm:\n  kk: 1\n  *k : 2\n',
  'jobs:\n  x: {}\nvars:\n  1.0: a\n  "1": b\n',
  '1: a\n0x1: b\n',
  '.nan: a\n.nan: b\n',
  '<<: {a: 1}\n<<: {b: 2}\nc: 3\n',
  'base: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3\n',
  'true: 1\nTrue: 2\n',
  'a: 1\nb:\n  - {a: 1, a: 2}\n  - a: 1\n    a: 2\n',
  '[a: 1, a: 2]\n',
  'a: &x 1\n*x : 3\n*x : 4\n',
  '? {x: 1, x: 2}\n: v\n? {x: 1}\n: w\n',
  'a: [\nb: 1\nb: 2\n',
  'a: |\n  text\na: 2\n',
  '',
  '- 1\n- 2\n',
];

describe('duplicateKeyOffsets', () => {
  it.each(CASES)('finds what yaml finds in %j', (text) => {
    expect(ours(text)).toEqual(yamlDuplicates(text));
  });

  it('finds what yaml finds in generated nested maps', () => {
    const key = fc.constantFrom('a', 'b', 'c', '1', 1, 2, true, 'true', null);
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(0, 'x', null), tie('pairs'), fc.array(tie('node'), { maxLength: 3 })),
      pairs: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }),
    })).node;
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.boolean(), (pairs, flow) => {
        // Build the text from a Document so duplicate keys survive into it.
        const doc = parseDocument('{}');
        const toNode = (v: unknown): unknown =>
          Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2)
            ? mapOf(v as [unknown, unknown][])
            : Array.isArray(v)
              ? doc.createNode(v.map(toNode))
              : doc.createNode(v);
        const mapOf = (entries: [unknown, unknown][]) => {
          const map = doc.createNode({}) as ReturnType<typeof doc.createNode> & { items: unknown[]; flow?: boolean };
          for (const [k, v] of entries) map.items.push(doc.createPair(k, toNode(v)));
          map.flow = flow;
          return map;
        };
        doc.contents = mapOf(pairs) as never;
        const text = doc.toString();
        expect(ours(text)).toEqual(yamlDuplicates(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseYaml duplicate keys', () => {
  it('reports each at the repeated key, with its name, among syntax errors in file order', () => {
    const text = 'a: [\nb: 1\nb: 2\n';
    const r = parseYaml('m.yaml', text);
    expect(r.value).toBeUndefined();
    const dup = r.diagnostics.find((d) => d.code === 'duplicate-key');
    expect(dup).toEqual({
      severity: 'error',
      code: 'duplicate-key',
      message: 'duplicate key "b"',
      location: { file: 'm.yaml', range: { offset: text.lastIndexOf('b'), length: 1 } },
      hint: 'each key may appear once in a mapping',
    });
    const offsets = r.diagnostics.map((d) => d.location!.range.offset);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    expect(r.diagnostics.map((d) => d.code)).toContain('yaml-syntax');
  });

  it('names an empty key plainly', () => {
    expect(parseYaml('m.yaml', ': 1\n: 2\n').diagnostics.map((d) => d.message)).toEqual(['duplicate key']);
  });

  it('finds none in a big map without duplicates, and the one at its end', () => {
    const big = stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`job${i}`, { prompt: `p${i}` }])));
    expect(parseYaml('m.yaml', big).diagnostics).toEqual([]);
    const text = `${big}job17:\n  prompt: again\n`;
    expect(parseYaml('m.yaml', text).diagnostics.map((d) => [d.message, d.location!.range.offset])).toEqual([['duplicate key "job17"', big.length]]);
  });
});
