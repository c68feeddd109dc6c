/**
 * YAML text → a plain value plus a SourceMap. Syntax errors, duplicate keys (as the data reads them,
 * see keys.ts), collections used as keys and alias bombs become diagnostics (`yaml-syntax`,
 * `duplicate-key`, `collection-key`, `yaml-alias`); nothing here throws or warns on bad input.
 */
import { parseDocument, visit, type Document } from 'yaml';
import { unreachable, type Diagnostic } from '../diagnostic.js';
import { keyProblems, type KeyProblem } from './duplicates.js';
import { SourceMap } from './source.js';

/** Aliases expanded while converting to plain data; more than this is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const DUPLICATE_KEY_HINT = 'each key may appear once in a mapping';
const COLLECTION_KEY_HINT = 'keys are names: write the key as plain text'; 

const YAML_HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'put text that contains ": " in quotes, e.g. prompt: "Title: subtitle"',
  TAB_AS_INDENT: 'indent with spaces',
  BAD_INDENT: 'items of one mapping or list start at the same column',
  MISSING_CHAR: 'a quote or bracket is not closed',
};

export interface ParsedYaml {
  /** Absent when the YAML could not be read into data. */
  value?: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
}

export function parseYaml(file: string, text: string): ParsedYaml {
  // Node ranges are all the source map needs: no LineCounter and no CST tokens kept on the nodes.
  const doc = parseDocument(text, {
    // yaml's duplicate-key check is quadratic in the size of a map; duplicateKeyOffsets is linear.
    uniqueKeys: false,
    merge: true,
    prettyErrors: false,
    // yaml would print its warnings on the process (a collection key); they are diagnostics here.
    logLevel: 'error',
  });
  const source = new SourceMap(file, text, doc);
  const diagnostics: Diagnostic[] = [];
  const problems = keyProblems(doc).sort((a, b) => a.offset - b.offset);
  let next = 0;
  // Each key problem goes before the first yaml error that starts after it, so the order stays by offset.
  const duplicatesBefore = (offset: number): void => {
    for (; next < problems.length && problems[next]!.offset <= offset; next++) diagnostics.push(keyDiagnostic(source, text, problems[next]!));
  };
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    duplicatesBefore(start - 1);
    diagnostics.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: firstLine(e.message),
      location: source.location({ offset: start, length: Math.max(1, end - start) }),
      ...(YAML_HINTS[e.code] ? { hint: YAML_HINTS[e.code] } : {}),
    });
  }
  duplicatesBefore(Infinity);
  if (diagnostics.length > 0) return { source, diagnostics };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), source, diagnostics };
  } catch (error) {
    diagnostics.push(aliasDiagnostic(doc, source, error));
    return { source, diagnostics };
  }
}

function keyDiagnostic(source: SourceMap, text: string, { kind, offset }: KeyProblem): Diagnostic {
  const location = source.location({ offset, length: 1 });
  switch (kind) {
    case 'duplicate':
      return { severity: 'error', code: 'duplicate-key', message: duplicateKeyMessage(text, offset), location, hint: DUPLICATE_KEY_HINT };
    case 'collection':
      return { severity: 'error', code: 'collection-key', message: 'a mapping or list cannot be a key', location, hint: COLLECTION_KEY_HINT };
    default:
      return unreachable(kind);
  }
}

function duplicateKeyMessage(text: string, offset: number): string {
  // Only the rest of the key's line: slicing the whole remaining text per duplicate would be quadratic.
  const lineEnd = text.indexOf('\n', offset);
  const key = /^[^:\n]*/.exec(text.slice(offset, lineEnd < 0 ? undefined : lineEnd))?.[0]?.trim();
  return key ? `duplicate key "${key}"` : 'duplicate key';
}

/** toJS throws for too many alias expansions and for aliases to unknown anchors. */
function aliasDiagnostic(doc: Document, source: SourceMap, error: unknown): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  let first: [number, number] | undefined;
  let unresolved: [number, number] | undefined;
  visit(doc, {
    Alias(_key, node) {
      const range = node.range;
      if (!range) return;
      first ??= [range[0], range[1]];
      if (!unresolved && /unresolved alias/i.test(message) && message.includes(node.source)) unresolved = [range[0], range[1]];
    },
  });
  const at = unresolved ?? first ?? [0, 0];
  const bomb = /excessive alias count/i.test(message);
  return {
    severity: 'error',
    code: 'yaml-alias',
    message: bomb ? `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias expansions)` : firstLine(message),
    location: source.location({ offset: at[0], length: Math.max(1, at[1] - at[0]) }),
    hint: bomb ? 'write the data out, or use fewer nested aliases' : 'define the anchor (&name) before using it (*name)',
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

