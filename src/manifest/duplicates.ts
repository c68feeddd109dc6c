/**
 * Duplicate keys in a parsed YAML document, found in one linear pass. yaml's own `uniqueKeys` check
 * compares each key with every earlier key of its map, which is quadratic in big maps (`jobs`).
 *
 * Keys are duplicates when both are scalars with the same value (`===`), as yaml's default check has
 * it: `1` and `"1"` differ, each merge key `<<` is distinct, aliases and collections as keys never
 * collide. Every map is checked, nested ones and those used as keys included.
 */
import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';

/** Source offsets of the keys that repeat an earlier key of their map, in the order yaml reports them. */
export function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visitNode(doc.contents, offsets);
  return offsets;
}

function visitNode(node: unknown, offsets: number[]): void {
  if (isMap(node)) {
    const seen = new Set<unknown>();
    const check = (key: unknown): void => {
      if (!isScalar(key) || Number.isNaN(key.value)) return;
      if (seen.has(key.value) && key.range) offsets.push(key.range[0]);
      seen.add(key.value);
    };
    // In yaml's order: a block map checks a key before its value is read, a flow map after.
    for (const pair of node.items) {
      visitNode(pair.key, offsets);
      if (!node.flow) check(pair.key);
      visitNode(pair.value, offsets);
      if (node.flow) check(pair.key);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        visitNode(item.key, offsets);
        visitNode(item.value, offsets);
      } else visitNode(item, offsets);
    }
  }
}
