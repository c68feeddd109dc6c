/**
 * Key problems in a parsed YAML document, found in one linear pass (yaml's own `uniqueKeys` check
 * compares each key with every earlier key of its map, which is quadratic in big maps such as `jobs`).
 *
 * Keys are duplicates when they read the same once converted to data (see keys.ts): `1` and `"1"`,
 * `true` and `"true"`, `null` and `""`, an alias `*k` and the value it names. Without this the later
 * one would silently win. Each merge key `<<` is distinct. A mapping or list used as a key is a
 * problem of its own: a manifest's keys are names. Every map is checked, nested ones included.
 */
import { isMap, isPair, isSeq, type Document } from 'yaml';
import { readKey } from './keys.js';

export interface KeyProblem {
  kind: 'duplicate' | 'collection';
  /** Source offset of the key. */
  offset: number;
}

/** The keys that repeat an earlier key of their map, or are collections, in the order yaml meets them. */
export function keyProblems(doc: Document): KeyProblem[] {
  const problems: KeyProblem[] = [];
  visitNode(doc.contents, doc, problems);
  return problems;
}

/** Source offsets of the keys that repeat an earlier key of their map. */
export function duplicateKeyOffsets(doc: Document): number[] {
  return keyProblems(doc).flatMap((p) => (p.kind === 'duplicate' ? [p.offset] : []));
}

function visitNode(node: unknown, doc: Document, problems: KeyProblem[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    const check = (key: unknown): void => {
      const offset = (key as { range?: [number, number] } | null)?.range?.[0];
      const reading = readKey(key, doc);
      if (reading.kind === 'collection' && offset !== undefined) problems.push({ kind: 'collection', offset });
      if (reading.kind !== 'name') return;
      if (seen.has(reading.text) && offset !== undefined) problems.push({ kind: 'duplicate', offset });
      seen.add(reading.text);
    };
    // In yaml's order: a block map checks a key before its value is read, a flow map after.
    for (const pair of node.items) {
      visitNode(pair.key, doc, problems);
      if (!node.flow) check(pair.key);
      visitNode(pair.value, doc, problems);
      if (node.flow) check(pair.key);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        visitNode(item.key, doc, problems);
        visitNode(item.value, doc, problems);
      } else visitNode(item, doc, problems);
    }
  }
}
