/**
 * Colours: on terminals that show them, never in pipes or CI logs; NO_COLOR turns them off and
 * FORCE_COLOR on, also in a pipe. The CLI's summary is checked through a real pipe.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coloursWanted } from '../../src/colour.js';
import { example, runCli } from './run-cli.js';

const ESC = /\x1b\[/;

describe('coloursWanted', () => {
  const tty = { isTTY: true, hasColors: () => true, isCI: false };
  it('a colour terminal outside CI: yes; NO_COLOR wins over all; FORCE_COLOR=0 is off', () => {
    expect(coloursWanted({ ...tty, env: {} })).toBe(true);
    expect(coloursWanted({ ...tty, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    expect(coloursWanted({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(false);
  });
  it('a pipe, a CI log, a terminal without colours: no, unless FORCE_COLOR', () => {
    expect(coloursWanted({ env: {}, isTTY: false, isCI: false })).toBe(false);
    expect(coloursWanted({ ...tty, env: {}, isCI: true })).toBe(false);
    expect(coloursWanted({ ...tty, env: {}, hasColors: () => false })).toBe(false);
    expect(coloursWanted({ env: { FORCE_COLOR: '1' }, isTTY: false, isCI: true })).toBe(true);
  });
});

describe('the summary through a pipe', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixrender-colours-'));
    await cp(example('quickstart.yaml'), join(dir, 'quickstart.yaml'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is plain by default, coloured with FORCE_COLOR, plain again with NO_COLOR', async () => {
    const plain = await runCli(dir, ['render', 'quickstart.yaml', '--time-scale', '0.01']);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).toMatch(/2 rendered/);
    expect(plain.out).not.toMatch(ESC);
    const forced = await runCli(dir, ['render', 'quickstart.yaml', '--time-scale', '0.01'], { FORCE_COLOR: '1' });
    expect(forced.out).toMatch(/\x1b\[32m0 rendered\x1b\[39m/);
    const off = await runCli(dir, ['render', 'quickstart.yaml', '--time-scale', '0.01'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(off.out).not.toMatch(ESC);
  });
});
