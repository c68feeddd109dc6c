/**
 * Maps paths into the parsed YAML back to source ranges, so every diagnostic can point into the file.
 * A path is a list of keys and sequence indices, the same as an ajv `instancePath` split on `/`.
 */
import { isMap, isPair, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceLocation, SourceRange } from '../diagnostic.js';
import { readKey } from './keys.js';

export type YamlPath = readonly (string | number)[];

export class SourceMap {
  /** Each map's pairs by key text, built on first use: diagnostics look up thousands of paths in `jobs`. */
  private readonly pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    /** The file name as the user gave it: diagnostics print it as is. */
    readonly file: string,
    readonly text: string,
    private readonly doc: Document,
  ) {}

  /** The value at `path`, or the deepest node on the way there when it does not exist (e.g. merged keys). */
  value(path: YamlPath): SourceLocation {
    const { node, pair, complete } = this.walk(path);
    // An empty value (`key:`) has no width: point at its key instead.
    if (complete && pair && node?.range && node.range[0] === node.range[1] && isNodeWithRange(pair.key)) return this.at(pair.key);
    return this.at(node);
  }

  /**
   * The key whose value is at `path` (for "unknown field", "missing field", and names of jobs).
   * Falls back to the value itself for sequence items and the document root.
   */
  key(path: YamlPath): SourceLocation {
    const { node, pair, complete } = this.walk(path);
    if (complete && pair && isNodeWithRange(pair.key)) return this.at(pair.key);
    return this.at(node);
  }

  /** The key named `name` inside the map at `path`, else the map. */
  childKey(path: YamlPath, name: string): SourceLocation {
    const { node, complete } = this.walk(path);
    if (complete && isMap(node)) {
      const pair = this.pairOf(node, name);
      if (pair && isNodeWithRange(pair.key)) return this.at(pair.key);
    }
    return this.at(node);
  }

  /** Whether the path exists in the YAML itself (not only through a merge key). */
  has(path: YamlPath): boolean {
    return this.walk(path).complete;
  }

  /** A location inside a scalar: the first occurrence of `needle` in its source text, else the scalar. */
  within(path: YamlPath, needle: string): SourceLocation {
    const loc = this.value(path);
    const start = loc.range.offset;
    const index = this.text.slice(start, start + loc.range.length).indexOf(needle);
    return index < 0 ? loc : this.location({ offset: start + index, length: needle.length });
  }

  location(range: SourceRange): SourceLocation {
    return { file: this.file, range };
  }

  private at(node: Node | undefined): SourceLocation {
    const range = node?.range;
    if (!range) return this.location({ offset: 0, length: 0 });
    return this.location({ offset: range[0], length: Math.max(0, range[1] - range[0]) });
  }

  private walk(path: YamlPath): { node: Node | undefined; pair?: Pair; complete: boolean } {
    let node = this.doc.contents as Node | null | undefined;
    let pair: Pair | undefined;
    for (const step of path) {
      if (isMap(node)) {
        const found = this.pairOf(node, String(step));
        if (!found || !isNodeWithRange(found.value)) {
          return { node, ...(found ? { pair: found } : {}), complete: false };
        }
        pair = found;
        node = found.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(step)];
        if (!isNodeWithRange(item)) return { node, complete: false };
        pair = undefined;
        node = item;
      } else {
        return { node: node ?? undefined, complete: false };
      }
    }
    return { node: node ?? undefined, ...(pair ? { pair } : {}), complete: true };
  }

  /** The first pair of `map` whose key reads `key`. */
  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let index = this.pairsByKey.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const text = keyText(p, this.doc);
        if (text !== undefined && !index.has(text)) index.set(text, p as Pair);
      }
      this.pairsByKey.set(map, index);
    }
    return index.get(key);
  }
}

/** A pair's key as the data reads it (keys.ts), so `null:` and `*k :` are found under "" and the alias's value. */
function keyText(p: unknown, doc: Document): string | undefined {
  if (!isPair(p)) return undefined;
  const reading = readKey(p.key, doc);
  return reading.kind === 'name' ? reading.text : undefined;
}

function isNodeWithRange(n: unknown): n is Node {
  return typeof n === 'object' && n !== null && 'range' in n && Array.isArray((n as Node).range);
}
