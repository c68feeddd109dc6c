/**
 * YAML text → a plain value plus a SourceMap. Syntax errors, duplicate keys and alias bombs become
 * diagnostics (`yaml-syntax`, `duplicate-key`, `yaml-alias`); nothing here throws on bad input.
 */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import { SourceMap } from './source.js';

/** Aliases expanded while converting to plain data; more than this is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once in a mapping',
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    uniqueKeys: true,
    merge: true,
    prettyErrors: false,
  });
  const source = new SourceMap(file, text, doc);
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    diagnostics.push({
      severity: 'error',
      code: e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
      message: e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, start) : firstLine(e.message),
      location: source.location({ offset: start, length: Math.max(1, end - start) }),
      ...(YAML_HINTS[e.code] ? { hint: YAML_HINTS[e.code] } : {}),
    });
  }
  if (diagnostics.length > 0) return { source, diagnostics };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), source, diagnostics };
  } catch (error) {
    diagnostics.push(aliasDiagnostic(doc, source, error));
    return { source, diagnostics };
  }
}

function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim();
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

