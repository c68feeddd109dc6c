/**
 * How a YAML mapping key reads once the document is converted to data (yaml's toJS into plain
 * objects): a scalar becomes its String (`1`, `"1"` and `0x1` are all "1"; `true` and `"true"` both
 * "true"), `null` and `~` become "", an alias reads as the node it names. Duplicate keys, the source
 * map and every diagnostic that names a key all use this one reading, so what is checked is what loads.
 */
import { isAlias, isScalar, type Document } from 'yaml';

export type KeyReading =
  | { kind: 'name'; text: string }
  /** A merge key `<<`: its entries are added, it is never a key of its own. */
  | { kind: 'merge' }
  /** A mapping or list used as a key: no name in a plain object (yaml would stringify it, with a warning). */
  | { kind: 'collection' }
  /** Not a node (a pair without a key reads as ""), or an alias to nothing. */
  | { kind: 'none' };

export function readKey(key: unknown, doc: Document): KeyReading {
  const node = isAlias(key) ? key.resolve(doc) : key;
  if (node === undefined && isAlias(key)) return { kind: 'none' };
  if (node === null || node === undefined) return { kind: 'name', text: '' };
  if (!isScalar(node)) return { kind: 'collection' };
  const value = node.value;
  if (typeof value === 'symbol') return { kind: 'merge' };
  if (value === null || value === undefined) return { kind: 'name', text: '' };
  return { kind: 'name', text: typeof value === 'object' ? JSON.stringify(value) : String(value) };
}
