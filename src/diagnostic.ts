import { readFileSync, statSync } from 'node:fs';
import { knownSecrets, maskSecrets } from './redact.js';

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

/** Line indexes of the texts formatted last: thousands of diagnostics into one file index it once. */
const lineIndexes = new Map<string, LineIndex>();

function lineIndexOf(text: string): LineIndex {
  let index = lineIndexes.get(text);
  if (!index) {
    if (lineIndexes.size >= 4) lineIndexes.clear();
    index = new LineIndex(text);
    lineIndexes.set(text, index);
  }
  return index;
}

/**
 * Formats one diagnostic: header line, the offending source line, a caret under the range, the hint.
 * `sources` maps file names to their text so the line can be shown.
 */
export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string> = new Map()): string {
  // Everything shown comes from the manifest or the disk: escaped for the terminal (see printable),
  // with a token pasted into a config or manifest masked (see src/redact.ts).
  const secrets = knownSecrets();
  const shown = (text: string) => printable(maskSecrets(text, secrets));
  const out: string[] = [];
  const head = `${d.severity}[${d.code}] ${shown(d.message)}`;
  if (!d.location) {
    out.push(head);
  } else {
    const file = printable(d.location.file);
    const text = sources.get(d.location.file);
    if (text === undefined) {
      out.push(`${file} ${head}`);
    } else {
      const index = lineIndexOf(text);
      const { line, col } = index.position(d.location.range.offset);
      out.push(`${file}:${line}:${col} ${head}`);
      const lineText = index.lineText(line);
      const gutter = String(line).length;
      const width = Math.max(1, Math.min(d.location.range.length, lineText.length - col + 1));
      // The caret goes under the escaped, masked text: an escaped character takes several columns.
      const before = shown(lineText.slice(0, col - 1)).length;
      const under = Math.max(1, shown(lineText.slice(col - 1, col - 1 + width)).length);
      out.push(`${' '.repeat(gutter)} |`);
      out.push(`${line} | ${shown(lineText)}`);
      out.push(`${' '.repeat(gutter)} | ${' '.repeat(before)}${'^'.repeat(under)}`);
    }
    for (const r of d.related ?? []) {
      const rText = sources.get(r.location.file);
      const pos = rText === undefined ? undefined : lineIndexOf(rText).position(r.location.range.offset);
      out.push(`  note: ${shown(r.message)} (${printable(r.location.file)}${pos ? `:${pos.line}:${pos.col}` : ''})`);
    }
  }
  if (d.hint) out.push(`  hint: ${shown(d.hint)}`);
  return out.join('\n');
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** The end of an exhaustive switch over a union. */
export function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}

/** Source texts larger than this are not read just to show a line of them. */
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/**
 * `sources` plus the text of every other file the diagnostics point into (a project config, say),
 * read from disk, so printers at the edge can always show line:col. Unreadable files are left out.
 */
export function withSourceTexts(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const all = new Map(sources);
  const files = diagnostics.flatMap((d) => [d.location?.file, ...(d.related ?? []).map((r) => r.location.file)]);
  for (const file of files) {
    if (file === undefined || file === '' || all.has(file)) continue;
    try {
      if (statSync(file).size <= MAX_SOURCE_BYTES) all.set(file, readFileSync(file, 'utf8'));
    } catch {
      // Shown without its line, as before.
    }
  }
  return all;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides: a terminal acts on them (ESC starts
 * a command, CR rewrites the line, U+202E reverses text), so text from a manifest never prints them raw.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One value (an id, a prompt, a file name) safe for a terminal: every control character escaped, e.g. ESC → `\x1b`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/** A whole block of text for a terminal: like printable, but line breaks and tabs are kept. */
export function printableText(text: string): string {
  return text.replace(UNPRINTABLE_EXCEPT_LINES, escapeChar);
}
