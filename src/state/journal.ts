/**
 * The journal: append-only NDJSON, one record per line, fsynced after every line. A kill -9 can only tear
 * the line being written, which is always the last one, so an unparsable last line without its newline is
 * ignored (and cut off before the next append); anything unparsable before it is reported as corruption.
 */
import { lockEntryProblem } from './lock-file.js';
import type { JournalRecord } from './store.js';

export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface ParsedJournal {
  records: JournalRecord[];
  problems: JournalProblem[];
  /**
   * clean: ends with a newline (or is empty); torn: the last line is cut short and ignored;
   * unterminated: the last line is a whole record that only misses its newline (it is kept).
   */
  tail: 'clean' | 'torn' | 'unterminated';
}

export function encodeRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function parseJournal(text: string): ParsedJournal {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const parsed = decodeRecord(line);
    if (typeof parsed === 'string') problems.push({ line: index + 1, message: parsed });
    else records.push(parsed);
  });
  if (last === '') return { records, problems, tail: 'clean' };
  const final = decodeRecord(last);
  if (typeof final === 'string') return { records, problems, tail: 'torn' };
  records.push(final);
  return { records, problems, tail: 'unterminated' };
}

/** A record, or why the line is not one. */
export function decodeRecord(line: string): JournalRecord | string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const problem = recordProblem(data);
  return problem ?? (data as JournalRecord);
}

type FieldType = 'string' | 'number' | 'boolean' | 'object';
const REQUIRED: Record<JournalRecord['type'], Record<string, FieldType>> = {
  intent: { job: 'string', fingerprint: 'string', endpoint: 'string', replyRef: 'string', credits: 'number', offPeak: 'boolean', at: 'string' },
  submitted: { job: 'string', fingerprint: 'string', videoId: 'string', replyRef: 'string', at: 'string' },
  completed: { job: 'string', fingerprint: 'string', at: 'string' },
  failed: { job: 'string', fingerprint: 'string', reason: 'string', at: 'string' },
  abandoned: { job: 'string', fingerprint: 'string', reason: 'string', at: 'string' },
  upload: { sha256: 'string', path: 'string', at: 'string' },
};
const OPTIONAL: Record<string, FieldType> = { replyRef: 'string', status: 'number', url: 'string', request: 'object', superseded: 'boolean' };

const typeOf = (value: unknown): string => (value === null || Array.isArray(value) ? 'array or null' : typeof value);

/** Why a value is not a journal record, or undefined when it is one. */
export function recordProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const record = data as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(REQUIRED, type)) return `unknown record type ${JSON.stringify(type)}`;
  for (const [field, expected] of Object.entries(REQUIRED[type as JournalRecord['type']])) {
    if (typeOf(record[field]) !== expected) return `${type} record: "${field}" should be a ${expected}`;
  }
  for (const [field, expected] of Object.entries(OPTIONAL)) {
    if (record[field] !== undefined && !(field in REQUIRED[type as JournalRecord['type']]) && typeOf(record[field]) !== expected) {
      return `${type} record: "${field}" should be a ${expected}`;
    }
  }
  if (type === 'completed') {
    const problem = lockEntryProblem(record.entry);
    if (problem) return `completed record: entry: ${problem}`;
  }
  return undefined;
}
