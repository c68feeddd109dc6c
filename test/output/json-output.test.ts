/**
 * Machine-readable output: validate --json and plan --json print JSON also for an invalid or
 * unreadable manifest (each diagnostic with file, line, column, code, severity, message, hint);
 * validate --format github prints escaped workflow annotations; render --json `done` events carry the
 * output path and its sha256.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, runCli } from './run-cli.js';

let dir: string;
// Line 5: a quality that is no resolution (schema); line 8: an unknown job (with a hint listing the jobs).
const bad = 'version: 1\nname: bad\njobs:\n  a:\n    quality: hd\n    prompt: "100%, done: yes"\n  b:\n    extend: nope\n    prompt: x\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-json-'));
  await writeFile(join(dir, 'bad.yaml'), bad);
  await cp(example('quickstart.yaml'), join(dir, 'quickstart.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Record_ {
  file: string | null;
  line: number | null;
  column: number | null;
  code: string;
  severity: string;
  message: string;
  hint: string | null;
}

describe('--json always prints JSON', () => {
  it('validate --json: invalid, unreadable and valid manifests in one object, exit 2', async () => {
    const r = await runCli(dir, ['validate', '--json', 'bad.yaml', 'missing.yaml', 'quickstart.yaml']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.out) as { valid: boolean; manifests: { file: string; valid: boolean; jobs: number | null; diagnostics: Record_[] }[] };
    expect(out.valid).toBe(false);
    const [badOne, missing, good] = out.manifests;
    expect(badOne!.diagnostics.find((d) => d.code === 'schema')).toMatchObject({ file: 'bad.yaml', line: 5, column: 14, severity: 'error' });
    const unknown = badOne!.diagnostics.find((d) => d.code === 'unknown-job')!;
    expect(unknown).toMatchObject({ file: 'bad.yaml', line: 8, severity: 'error' });
    expect(unknown.hint).toMatch(/a, b/);
    expect(missing).toMatchObject({ file: 'missing.yaml', valid: false, jobs: null });
    expect(missing!.diagnostics[0]).toMatchObject({ file: 'missing.yaml', code: 'file-not-found', severity: 'error', line: null });
    expect(good).toMatchObject({ file: 'quickstart.yaml', valid: true, jobs: 2, diagnostics: [] });
  });

  it('plan --json: an invalid manifest and an unreadable file give {ok: false, diagnostics}, exit 2', async () => {
    const invalid = await runCli(dir, ['plan', 'bad.yaml', '--json']);
    expect(invalid.code).toBe(2);
    const parsed = JSON.parse(invalid.out) as { ok: boolean; diagnostics: Record_[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics.map((d) => d.code).sort()).toEqual(['schema', 'unknown-job']);
    expect(parsed.diagnostics.every((d) => d.file === 'bad.yaml' && typeof d.line === 'number' && typeof d.column === 'number')).toBe(true);
    const missing = await runCli(dir, ['plan', 'missing.yaml', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.out)).toMatchObject({ ok: false, diagnostics: [{ code: 'file-not-found', file: 'missing.yaml' }] });
    const good = await runCli(dir, ['plan', 'quickstart.yaml', '--json']);
    expect(JSON.parse(good.out)).toMatchObject({ ok: true, totals: { render: 2 }, diagnostics: [] });
  });
});

describe('validate --format github', () => {
  it('prints one ::error annotation per diagnostic, escaped by GitHub rules', async () => {
    await writeFile(join(dir, 'we,ird:name.yaml'), bad.replace('extend: nope', 'extend: "no%pe"'));
    const r = await runCli(dir, ['validate', '--format', 'github', 'we,ird:name.yaml']);
    expect(r.code).toBe(2);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=we%2Cird%3Aname\.yaml,line=5,col=14,endColumn=\d+,title=pixrender schema::jobs\.a\.quality /);
    // The message's % is escaped; the hint follows on an escaped line break.
    expect(lines[1]).toMatch(/^::error file=we%2Cird%3Aname\.yaml,line=8,col=\d+,.*::unknown job or video asset "no%25pe"%0A.*a, b/);
  });
});

describe('render --json', () => {
  it('done events name the output file and its sha256', async () => {
    const r = await runCli(dir, ['render', 'quickstart.yaml', '--json', '--time-scale', '0.01']);
    expect(r.code, r.err).toBe(0);
    const done = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; state?: string; output?: string; sha256?: string })
      .filter((e) => e.type === 'job' && e.state === 'done');
    expect(done).toHaveLength(2);
    for (const e of done) {
      expect(e.output).toMatch(/^renders\/quickstart\/.+\.mp4$/);
      expect(e.sha256).toBe(createHash('sha256').update(await readFile(join(dir, e.output!))).digest('hex'));
    }
  });

  it('an invalid manifest gives diagnostic events with line and column, exit 2', async () => {
    const r = await runCli(dir, ['render', 'bad.yaml', '--json']);
    expect(r.code).toBe(2);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; code: string; file: string; line: number; column: number });
    expect(events.find((e) => e.code === 'schema')).toMatchObject({ type: 'diagnostic', file: 'bad.yaml', line: 5, column: 14 });
  });
});
