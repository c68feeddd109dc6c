/**
 * `${name}` expansion. A scope is built from layers (manifest vars < job vars < matrix values <
 * built-ins); a variable's value may itself use variables. `$${` writes a literal `${`.
 * Problems are returned as values; the caller knows where the text came from.
 */
import type { Scalar } from './types.js';
import type { YamlPath } from './source.js';

export interface VarDef {
  value: string;
  /** Where the variable is defined in the manifest (absent for built-ins and config). */
  path?: YamlPath;
  /** Values that are used as they are (matrix values, built-ins). */
  literal?: boolean;
}

export type VarProblem =
  | { kind: 'unknown'; name: string; known: string[]; /** set when the reference sits inside a variable's value */ definedAt?: YamlPath }
  | { kind: 'cycle'; chain: string[]; definedAt?: YamlPath };

export interface Expansion {
  value: string;
  problems: VarProblem[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export class VarScope {
  private readonly defs = new Map<string, VarDef>();

  /** Later layers override earlier ones. */
  constructor(...layers: (Map<string, VarDef> | undefined)[]) {
    for (const layer of layers) for (const [k, v] of layer ?? []) this.defs.set(k, v);
  }

  get names(): string[] {
    return [...this.defs.keys()];
  }

  expand(text: string): Expansion {
    const problems: VarProblem[] = [];
    const value = this.expandIn(text, [], undefined, problems);
    return { value, problems };
  }

  /** Every variable name a text refers to, directly (for documentation tooling and tests). */
  static references(text: string): string[] {
    return [...text.matchAll(REFERENCE)].filter((m) => m[1] !== undefined).map((m) => m[1]!.trim());
  }

  private expandIn(text: string, stack: string[], definedAt: YamlPath | undefined, problems: VarProblem[]): string {
    if (!text.includes('$')) return text;
    return text.replace(REFERENCE, (match, rawName: string | undefined) => {
      if (rawName === undefined) return '${'; // `$${` escape
      const name = rawName.trim();
      const def = IDENTIFIER.test(name) ? this.defs.get(name) : undefined;
      if (!def) {
        problems.push({ kind: 'unknown', name, known: this.names, ...(definedAt ? { definedAt } : {}) });
        return match;
      }
      if (def.literal) return def.value;
      if (stack.includes(name)) {
        problems.push({ kind: 'cycle', chain: [...stack.slice(stack.indexOf(name)), name], ...(def.path ? { definedAt: def.path } : {}) });
        return match;
      }
      return this.expandIn(def.value, [...stack, name], def.path, problems);
    });
  }
}

/** A layer of variables defined in the manifest at `base` (e.g. `['vars']`). */
export function varLayer(vars: Record<string, Scalar> | undefined, base: YamlPath): Map<string, VarDef> {
  const layer = new Map<string, VarDef>();
  for (const [k, v] of Object.entries(vars ?? {})) layer.set(k, { value: String(v), path: [...base, k] });
  return layer;
}

/** A layer of values used verbatim (matrix values, built-ins). */
export function literalLayer(values: Record<string, Scalar>): Map<string, VarDef> {
  const layer = new Map<string, VarDef>();
  for (const [k, v] of Object.entries(values)) layer.set(k, { value: String(v), literal: true });
  return layer;
}

export const BUILTIN_VARS = ['name', 'job'] as const;
