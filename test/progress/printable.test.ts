/**
 * Text from a manifest (ids, prompts, file names, messages) reaches a terminal escaped: no raw ESC,
 * CR, BEL or other control character in diagnostics, progress lines, summaries, plans or watch lines.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, printable, printableText, type Diagnostic } from '../../src/diagnostic.js';
import type { RunEvent, RunSummary } from '../../src/events.js';
import { jobId } from '../../src/model.js';
import { formatSummary, plainView } from '../../src/progress.js';
import { ttyView } from '../../src/progress-tty.js';
import { textSessionView } from '../../src/watch/view.js';

const HOSTILE = 'x\x1b[2J\r\x07\x9b31m\u202eevil';
/** Raw control characters a terminal acts on (line breaks and tabs are allowed). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const at = '2026-11-24T10:00:00.000Z';

describe('printable', () => {
  it('escapes control characters and bidirectional overrides, and nothing else', () => {
    expect(printable(HOSTILE)).toBe('x\\x1b[2J\\r\\x07\\x9b31m\\u{202e}evil');
    expect(printable('a\nb\tc')).toBe('a\\nb\\tc');
    expect(printableText('a\nb\tc\x1b')).toBe('a\nb\tc\\x1b');
    expect(printable('plain ✔ text — ünïcode')).toBe('plain ✔ text — ünïcode');
  });
});

describe('diagnostics', () => {
  it('escape the message, hint, file name and source line, with the caret under the escaped text', () => {
    const text = `prompt: "\x1b[2J" \${bad}\n`;
    const offset = text.indexOf('${bad}');
    const d: Diagnostic = {
      severity: 'error',
      code: 'unknown-var',
      message: `unknown variable "${HOSTILE}"`,
      hint: `did you mean ${HOSTILE}?`,
      location: { file: 'a\x1b.yaml', range: { offset, length: 6 } },
      related: [{ message: HOSTILE, location: { file: 'a\x1b.yaml', range: { offset: 0, length: 1 } } }],
    };
    const out = formatDiagnostic(d, new Map([['a\x1b.yaml', text]]));
    expect(out).not.toMatch(RAW);
    const lines = out.split('\n');
    const source = lines.find((l) => l.startsWith('1 | '))!;
    const caret = lines.find((l) => l.includes('^'))!;
    expect(source.slice(caret.indexOf('^'), caret.indexOf('^') + 6)).toBe('${bad}');
  });
});

describe('progress and summaries', () => {
  const events: RunEvent[] = [
    { type: 'run-start', at, backend: 'sim', jobs: 1, toRender: 1, credits: 30, slots: 8 },
    { type: 'job', at, id: jobId(`a${HOSTILE}`), state: 'rendering', videoId: HOSTILE, credits: 30 },
    { type: 'retry', at, id: jobId(HOSTILE), reason: HOSTILE, delayMs: 1000 },
    { type: 'warning', at, message: HOSTILE },
    { type: 'post', at, step: 'concat', output: `${HOSTILE}.mp4`, state: 'running' },
    { type: 'post', at, step: 'concat', output: `${HOSTILE}.mp4`, state: 'failed', message: HOSTILE },
    { type: 'job', at, id: jobId(`a${HOSTILE}`), state: 'failed', message: HOSTILE, credits: 30 },
  ];

  it('plain lines', () => {
    let out = '';
    const view = plainView((t) => (out += t));
    for (const e of events) view.onEvent(e);
    view.close();
    expect(out).not.toMatch(RAW);
    expect(out).toContain('\\x1b[2J');
  });

  it('the live view keeps its own cursor commands but escapes what it shows', () => {
    let out = '';
    const view = ttyView((t) => (out += t), { columns: () => 80, rows: () => 24 });
    for (const e of events) view.onEvent(e);
    view.close();
    // The view's own commands are CSI sequences (cursor moves, erasing, synchronized output); nothing else may start with ESC.
    const stripped = out.replace(/\x1b\[\??[\d;]*[A-Za-z]/g, '');
    expect(stripped).not.toMatch(RAW);
  });

  it('summaries', () => {
    const summary: RunSummary = {
      done: 0, cached: 0, downloaded: 0, failed: 1, skipped: 0, pending: 0, creditsSpent: 0, creditsPlanned: 30,
      failures: [{ id: jobId(HOSTILE), reason: HOSTILE }], elapsedSeconds: 1,
    };
    expect(formatSummary(summary)).not.toMatch(RAW);
  });

  it('watch lines', () => {
    let out = '';
    const write = (t: string) => void (out += t);
    const view = textSessionView({ out: write, err: write, runView: () => plainView(write) });
    view.onEvent({ type: 'watching', at, files: [`/p/${HOSTILE}.png`] });
    view.onEvent({ type: 'error', at, message: HOSTILE });
    view.onEvent({
      type: 'invalid', at, errors: 1,
      diagnostics: [{ severity: 'error', code: 'unknown-model', message: HOSTILE, location: { file: 'f.yaml', range: { offset: 0, length: 1 } } }],
      sources: new Map([['f.yaml', `model: ${HOSTILE}\n`]]),
    });
    expect(out).toContain('\\x1b[2J');
    expect(out).not.toMatch(RAW);
  });
});
