/**
 * The live view in a real terminal (tmux, 60 columns) with matrix ids longer than the screen: each
 * redraw replaces the block (no stale copies of the overall line pile up), no line is wider than the
 * terminal, and "Stopping: …" after Ctrl-C stays visible. Runs the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTmux) console.warn('live-view tests skipped: tmux is not installed (apt-get install tmux; .ci/run installs it)');

const WIDTH = 60;
const socket = `pixrender-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
let dir: string;

const manifest = `version: 1
name: wide
defaults:
  quality: 360p
  duration: 5
jobs:
  product-turntable-variants:
    prompt: a matte black espresso machine rotating, \${look} look
    matrix:
      look: [claymation-miniature-diorama, anime-cel-shaded-watercolour, cyberpunk-neon-noir-rain]
      seed: [1, 2, 3, 4]
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-live-'));
});
afterAll(async () => {
  if (hasTmux) execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  await rm(dir, { recursive: true, force: true });
});

/** Starts the CLI in a detached 60-column tmux window; the window stays after it exits. */
function start(name: string, file: string, timeScale: string, extraEnv = ''): void {
  const env = `env -u CI -u GITHUB_ACTIONS -u NO_COLOR -u FORCE_COLOR USEAPI_TOKEN= ${extraEnv}`;
  tmux('new-session', '-d', '-x', String(WIDTH), '-y', '24', '-s', name, '-c', dir, `${env} "${process.execPath}" "${cli}" render ${file} --time-scale ${timeScale}; echo EXIT=$?; sleep 600`);
}

const capture = (name: string) => tmux('capture-pane', '-p', '-J', '-t', name, '-S', '-1000');
const captureRows = (name: string) => tmux('capture-pane', '-p', '-t', name, '-S', '-1000');

async function until(name: string, pattern: RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = capture(name);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasTmux)('live view at 60 columns (tmux)', () => {
  it('redraws in place: one overall line, no line wider than the terminal', async () => {
    await writeFile(join(dir, 'a.yaml'), manifest);
    start('a', 'a.yaml', '0.08');
    const text = await until('a', /EXIT=\d+/);
    expect(text).toMatch(/EXIT=0/);
    // -J joins wrapped rows back into lines: the live block's lines were never wrapped.
    const overall = text.split('\n').filter((l) => /^\d+\/12 done · /.test(l));
    expect(overall, text).toHaveLength(1);
    expect(overall[0]).toMatch(/^12\/12 done · 240 of 240 credits/);
    for (const row of captureRows('a').split('\n')) expect([...row].length, row).toBeLessThanOrEqual(WIDTH);
    expect(text).toMatch(/12 rendered, 0 cached/);
    // A colour terminal outside CI: the states and the summary are coloured.
    expect(tmux('capture-pane', '-p', '-e', '-t', 'a', '-S', '-1000')).toMatch(/\x1b\[(?:\d+;)*3[12]m/);
  }, 90_000);

  it('keeps "Stopping: no new submissions…" visible after Ctrl-C', async () => {
    await writeFile(join(dir, 'b.yaml'), manifest.replace('seed: [1, 2, 3, 4]', 'seed: [5, 6, 7, 8]'));
    start('b', 'b.yaml', '0.5');
    await until('b', /rendering \d+/);
    await new Promise((r) => setTimeout(r, 1500));
    tmux('send-keys', '-t', 'b', 'C-c');
    const text = await until('b', /EXIT=\d+/);
    expect(text).toMatch(/EXIT=130/);
    expect(text).toMatch(/^Stopping: no new submissions; saving state\./m);
    expect(text.split('\n').filter((l) => /^\d+\/12 done · /.test(l))).toHaveLength(1);
  }, 90_000);

  it('in a CI service, even on a terminal: plain lines, no live block and no colours', async () => {
    await writeFile(join(dir, 'c.yaml'), manifest.replace('seed: [1, 2, 3, 4]', 'seed: [9]'));
    start('c', 'c.yaml', '0.01', 'GITHUB_ACTIONS=true');
    const text = await until('c', /EXIT=\d+/);
    expect(text).toMatch(/EXIT=0/);
    expect(text).toMatch(/^\d\d:\d\d:\d\d 3 jobs, 3 to render/m);
    expect(text).not.toMatch(/done · /);
    expect(tmux('capture-pane', '-p', '-e', '-t', 'c', '-S', '-1000')).not.toMatch(/\x1b\[3\dm/);
  }, 90_000);
});
