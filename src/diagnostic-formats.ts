/**
 * Diagnostics for machines: JSON records (validate --json, plan --json) and GitHub Actions workflow
 * commands (validate --format github), both with 1-based line and column where the source is known.
 */
import { readFileSync } from 'node:fs';
import { LineIndex, type Diagnostic, type Severity } from './diagnostic.js';
import { knownSecrets, maskSecrets } from './redact.js';

export interface DiagnosticRecord {
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  code: string;
  severity: Severity;
  message: string;
  hint: string | null;
}

export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github'] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/**
 * A diagnostic as JSON; `sources` gives the texts read (other files, e.g. the config, are read here).
 * `about` is the file a diagnostic without a location concerns (an unreadable manifest).
 */
export function diagnosticRecord(d: Diagnostic, sources: ReadonlyMap<string, string>, about?: string): DiagnosticRecord {
  const loc = d.location;
  const text = loc ? (sources.get(loc.file) ?? readQuietly(loc.file)) : undefined;
  const index = text === undefined ? undefined : new LineIndex(text);
  const start = loc && index ? index.position(loc.range.offset) : undefined;
  const end = loc && index ? index.position(loc.range.offset + Math.max(0, loc.range.length)) : undefined;
  return {
    file: loc?.file ?? about ?? null,
    line: start?.line ?? null,
    column: start?.col ?? null,
    endLine: end?.line ?? null,
    endColumn: end?.col ?? null,
    code: d.code,
    severity: d.severity,
    // A token pasted into a config or manifest may be quoted in a message: masked (src/redact.ts).
    message: maskSecrets(d.message, knownSecrets()),
    hint: d.hint === undefined ? null : maskSecrets(d.hint, knownSecrets()),
  };
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Escaping of a workflow command's message (GitHub's toolkit: %, CR, LF). */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Escaping of a workflow command's property value: the message's, plus `:` and `,`. */
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…,col=…,title=…::message`: an annotation on the file in the pull request. */
export function githubAnnotation(r: DiagnosticRecord): string {
  const props = [
    ...(r.file !== null ? [`file=${escapeProperty(r.file)}`] : []),
    ...(r.line !== null ? [`line=${r.line}`] : []),
    ...(r.column !== null ? [`col=${r.column}`] : []),
    ...(r.endLine !== null && r.endLine !== r.line ? [`endLine=${r.endLine}`] : []),
    ...(r.endColumn !== null && r.endLine === r.line ? [`endColumn=${r.endColumn}`] : []),
    `title=${escapeProperty(`pixrender ${r.code}`)}`,
  ];
  const message = r.hint ? `${r.message}\n${r.hint}` : r.message;
  return `::${r.severity} ${props.join(',')}::${escapeData(message)}`;
}
