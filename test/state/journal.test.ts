import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, parseJournal } from '../../src/state/journal.js';
import { completed, entry, intent, submitted, upload } from './builders.js';

const lines = (...records: Parameters<typeof encodeRecord>[0][]) => records.map(encodeRecord).join('');

describe('parseJournal', () => {
  it('reads every record of a clean journal', () => {
    const records = [intent('a', 'r1'), submitted('a', 'r1', 'v1'), completed('a', entry()), upload('f'.repeat(64), 'upload/x.png')];
    expect(parseJournal(lines(...records))).toEqual({ records, problems: [], tail: 'clean' });
    expect(parseJournal('')).toEqual({ records: [], problems: [], tail: 'clean' });
  });

  it('ignores a torn last line', () => {
    const whole = lines(intent('a', 'r1'), submitted('a', 'r1', 'v1'));
    const torn = encodeRecord(intent('b', 'r2')).slice(0, 30);
    expect(parseJournal(whole + torn)).toEqual({ records: [intent('a', 'r1'), submitted('a', 'r1', 'v1')], problems: [], tail: 'torn' });
    expect(parseJournal(`${whole}\u0000\u0000\u0000`).tail).toBe('torn');
  });

  it('keeps a last record that only misses its newline', () => {
    const text = lines(intent('a', 'r1')) + encodeRecord(submitted('a', 'r1', 'v1')).trimEnd();
    expect(parseJournal(text)).toEqual({ records: [intent('a', 'r1'), submitted('a', 'r1', 'v1')], problems: [], tail: 'unterminated' });
  });

  it('reports garbage before the last line with its line number', () => {
    const text = `${lines(intent('a', 'r1'))}{"type":"intent","job":\n${lines(submitted('a', 'r1', 'v1'))}`;
    const parsed = parseJournal(text);
    expect(parsed.problems).toEqual([{ line: 2, message: 'not valid JSON' }]);
    expect(parsed.records).toEqual([intent('a', 'r1'), submitted('a', 'r1', 'v1')]);
  });

  it('tolerates CRLF line ends and blank lines', () => {
    const text = `${encodeRecord(intent('a', 'r1')).replace('\n', '\r\n')}\n${encodeRecord(upload('e'.repeat(64), 'upload/y.png'))}`;
    expect(parseJournal(text).records).toHaveLength(2);
    expect(parseJournal(text).problems).toEqual([]);
  });
});

describe('decodeRecord', () => {
  it('names what is wrong with a record', () => {
    expect(decodeRecord('[1]')).toBe('not a JSON object');
    expect(decodeRecord('{"type":"explode"}')).toBe('unknown record type "explode"');
    expect(decodeRecord(JSON.stringify({ ...intent('a', 'r1'), credits: '45' }))).toBe('intent record: "credits" should be a number');
    expect(decodeRecord(JSON.stringify({ ...submitted('a', 'r1', 'v'), videoId: undefined }))).toBe('submitted record: "videoId" should be a string');
    expect(decodeRecord(JSON.stringify({ ...completed('a', entry()), entry: { ...entry(), url: 3 } }))).toBe('completed record: entry: "url" should be a string');
    expect(decodeRecord(JSON.stringify({ ...upload('a', 'p'), url: 5 }))).toBe('upload record: "url" should be a string');
  });

  it('round-trips every record type', () => {
    for (const record of [intent('a', 'r'), submitted('a', 'r', 'v'), completed('a', entry(), 3, 'r'), upload('s', 'p')]) {
      expect(decodeRecord(encodeRecord(record).trimEnd())).toEqual(record);
    }
  });
});
