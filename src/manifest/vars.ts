/**
 * `${name}` expansion. A scope is built from layers (manifest vars < job vars < matrix values <
 * built-ins); a variable's value may itself use variables. `$${` writes a literal `${`.
 * Problems are returned as values; the caller knows where the text came from.
 *
 * Each variable is resolved once per scope and remembered, with an explicit stack instead of
 * recursion, so a long chain cannot overflow the call stack and values that use each other many times
 * cost one pass each. Lengths are checked before strings are joined (LIMITS.expandedLength) and chains
 * are cut at LIMITS.varDepth.
 */
import { LIMITS } from './limits.js';
import type { Scalar } from './types.js';
import type { YamlPath } from './source.js';

export interface VarDef {
  value: string;
  /** Where the variable is defined in the manifest (absent for built-ins and config). */
  path?: YamlPath;
  /** Values that are used as they are (matrix values, built-ins). */
  literal?: boolean;
}

/** `definedAt` is set when the problem sits inside a variable's value; else it is in the text expanded. */
export type VarProblem =
  | { kind: 'unknown'; name: string; known: string[]; definedAt?: YamlPath }
  | { kind: 'cycle'; chain: string[]; definedAt?: YamlPath }
  | { kind: 'too-long'; /** the variable whose value is too long; absent for the text itself */ name?: string; definedAt?: YamlPath }
  | { kind: 'too-deep'; name: string; definedAt?: YamlPath };

export interface Expansion {
  value: string;
  problems: VarProblem[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A text cut into literal pieces and references, in order. */
type Piece = { text: string } | { ref: string; raw: string };

function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(REFERENCE)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push(m[1] === undefined ? { text: '${' } : { ref: m[1].trim(), raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** One text being expanded: the variable it is the value of (none for the outer text). */
interface Frame {
  name?: string;
  def?: VarDef;
  pieces: Piece[];
  next: number;
  out: string;
  /** The value went over the length limit: the rest is not joined. */
  failed: boolean;
}

export class VarScope {
  private readonly defs = new Map<string, VarDef>();
  /** Resolved values by variable name; `undefined` = failed (too long or too deep). */
  private readonly resolved = new Map<string, string | undefined>();

  /** Later layers override earlier ones. */
  constructor(...layers: (Map<string, VarDef> | undefined)[]) {
    for (const layer of layers) for (const [k, v] of layer ?? []) this.defs.set(k, v);
  }

  private namesList?: string[];

  get names(): string[] {
    this.namesList ??= [...this.defs.keys()];
    return this.namesList;
  }

  expand(text: string): Expansion {
    const problems: VarProblem[] = [];
    if (!text.includes('$')) return { value: text, problems };
    const outer: Frame = { pieces: pieces(text), next: 0, out: '', failed: false };
    const value = this.run(outer, problems);
    // A text that could not be expanded is kept as written, so later checks do not see half of it.
    return { value: outer.failed ? text : value, problems };
  }

  /** Every variable name a text refers to, directly (for documentation tooling and tests). */
  static references(text: string): string[] {
    return [...text.matchAll(REFERENCE)].filter((m) => m[1] !== undefined).map((m) => m[1]!.trim());
  }

  /** Expands the outer frame; variables it needs are pushed, resolved and remembered, then it goes on. */
  private run(outer: Frame, problems: VarProblem[]): string {
    const stack: Frame[] = [outer];
    const active = new Set<string>();
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const piece = top.failed ? undefined : top.pieces[top.next];
      if (piece === undefined) {
        stack.pop();
        if (top.name === undefined) return top.out;
        active.delete(top.name);
        this.resolved.set(top.name, top.failed ? undefined : top.out);
        continue;
      }
      const definedAt = top.def?.path;
      const at = definedAt ? { definedAt } : {};
      if ('text' in piece) {
        this.append(top, piece.text, problems);
        top.next++;
        continue;
      }
      const def = IDENTIFIER.test(piece.ref) ? this.defs.get(piece.ref) : undefined;
      if (!def) {
        problems.push({ kind: 'unknown', name: piece.ref, known: this.names, ...at });
        this.append(top, piece.raw, problems);
        top.next++;
      } else if (def.literal) {
        this.append(top, def.value, problems);
        top.next++;
      } else if (this.resolved.has(piece.ref)) {
        const resolved = this.resolved.get(piece.ref);
        // A value that failed fails what uses it, quietly: the problem is reported where it is.
        if (resolved === undefined) top.failed = true;
        else this.append(top, resolved, problems);
        top.next++;
      } else if (active.has(piece.ref)) {
        const names = stack.flatMap((f) => (f.name === undefined ? [] : [f.name]));
        problems.push({ kind: 'cycle', chain: [...names.slice(names.indexOf(piece.ref)), piece.ref], ...(def.path ? { definedAt: def.path } : {}) });
        this.append(top, piece.raw, problems);
        top.next++;
      } else if (stack.length > LIMITS.varDepth) {
        // The outer text is not a variable: the stack holds varDepth variables already.
        problems.push({ kind: 'too-deep', name: piece.ref, ...at });
        top.failed = true;
      } else {
        active.add(piece.ref);
        stack.push({ name: piece.ref, def, pieces: pieces(def.value), next: 0, out: '', failed: false });
      }
    }
    return outer.out;
  }

  /** Joins unless the result would pass the length limit; then the frame fails, reported once. */
  private append(frame: Frame, text: string, problems: VarProblem[]): void {
    if (frame.out.length + text.length > LIMITS.expandedLength) {
      frame.failed = true;
      problems.push({ kind: 'too-long', ...(frame.name !== undefined ? { name: frame.name } : {}), ...(frame.def?.path ? { definedAt: frame.def.path } : {}) });
      return;
    }
    // `+` keeps joined values as ropes: values reused many times share their text.
    frame.out += text;
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
