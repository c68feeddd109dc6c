/**
 * In GitHub Actions (GITHUB_ACTIONS=true) render appends a Markdown job summary to $GITHUB_STEP_SUMMARY:
 * every job with its state, credits planned and spent, its output, and failures with the API's message.
 * Outside Actions it writes nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
const manifest = `version: 1
name: summary
defaults:
  quality: 360p
  duration: 5
jobs:
  good:
    prompt: a lighthouse at dusk
  refused:
    prompt: a lighthouse sim:reject
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-step-summary-'));
  await writeFile(join(dir, 's.yaml'), manifest);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('GitHub step summary', () => {
  it('is appended after render in Actions, and not written elsewhere', async () => {
    const file = join(dir, 'summary.md');
    await writeFile(file, '# earlier step\n');
    const r = await runCli(dir, ['render', 's.yaml', '--time-scale', '0.01'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file, CI: 'true' });
    expect(r.code, r.err).toBe(1);
    const md = await readFile(file, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toMatch(/^## pixrender render s\.yaml$/m);
    expect(md).toMatch(/^\| Job \| State \| Credits planned \| Credits spent \| Output \|$/m);
    expect(md).toMatch(/^\| `good` \| done \| 20 \| 20 \| `renders\/summary\/good\.mp4` \|$/m);
    expect(md).toMatch(/^\| `refused` \| failed \| 20 \| 0 \| {2}\|$/m);
    // The API's own words (the simulator's 422 message) are in the failure list.
    expect(md).toMatch(/^### Failures$/m);
    expect(md).toMatch(/^- `refused`: .*rejected by content moderation/m);

    const other = join(dir, 'other.md');
    const outside = await runCli(dir, ['render', 's.yaml', '--time-scale', '0.01'], { GITHUB_STEP_SUMMARY: other });
    expect(outside.code).toBe(1);
    expect(existsSync(other)).toBe(false);
  });
});
