/**
 * Diagnostics are values, not thrown strings: every stage collects them with a source range,
 * and the CLI formats them once, at the edge, as `FILE:LINE:COL error[CODE] message`.
 */

export type Result<T, E = Diagnostic[]> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** A span of a source file as character offsets (0-based), turned into line:col only when printed. */
export interface SourceRange {
  offset: number;
  length: number;
}

export interface SourceLocation {
  file: string;
  range: SourceRange;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-job`, `schema`, `yaml-syntax`. Tests assert codes, not text. */
  code: string;
  message: string;
  /** Where it points. Absent only for problems with no file (e.g. a missing manifest). */
  location?: SourceLocation;
  /** A short suggestion, e.g. `did you mean "intro"?`. */
  hint?: string;
  /** Further places that explain the problem, e.g. each edge of a cycle. */
  related?: { message: string; location: SourceLocation }[];
}

/** Maps character offsets to 1-based line and column numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const end = this.starts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }
}

/**
 * Formats one diagnostic: header line, the offending source line, a caret under the range, the hint.
 * `sources` maps file names to their text so the line can be shown.
 */
export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string> = new Map()): string {
  const out: string[] = [];
  if (!d.location) {
    out.push(`${d.severity}[${d.code}] ${d.message}`);
  } else {
    const text = sources.get(d.location.file);
    if (text === undefined) {
      out.push(`${d.location.file} ${d.severity}[${d.code}] ${d.message}`);
    } else {
      const index = new LineIndex(text);
      const { line, col } = index.position(d.location.range.offset);
      out.push(`${d.location.file}:${line}:${col} ${d.severity}[${d.code}] ${d.message}`);
      const lineText = index.lineText(line);
      const gutter = String(line).length;
      const width = Math.max(1, Math.min(d.location.range.length, lineText.length - col + 1));
      out.push(`${' '.repeat(gutter)} |`);
      out.push(`${line} | ${lineText}`);
      out.push(`${' '.repeat(gutter)} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`);
    }
    for (const r of d.related ?? []) {
      const rText = sources.get(r.location.file);
      const pos = rText === undefined ? undefined : new LineIndex(rText).position(r.location.range.offset);
      out.push(`  note: ${r.message} (${r.location.file}${pos ? `:${pos.line}:${pos.col}` : ''})`);
    }
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** The end of an exhaustive switch over a union. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
