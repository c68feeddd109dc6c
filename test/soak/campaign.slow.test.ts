/**
 * The soak campaign in CI (slow tier, `npm run test:slow`): a few seeds of `soak/run.mjs` (random
 * manifests of every job kind, simulator faults, kill -9 of the real `pixrender render`, a full disk when
 * mount is allowed, resumes until done), then the three promises. Its parts are checked in short.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from './node-child.js';


let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-soak-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a short soak campaign', () => {
  // Seeds with kill -9, resets before and after acceptance and failing reconcile lookups, chosen for the
  // holes they once found: 1 an upscale and an audio lipsync (submitted twice), 13 local video sources
  // (priced as 5 s), 45 a pinned seed (another job's video recorded), 60 a full project disk.
  it('keeps every promise through faults, kill -9 and resumes', async () => {
    // Two seeds at a time; generous bounds: seed 1 alone takes 3-4 minutes on a loaded 2-core machine.
    const { code, out } = await node(['soak/run.mjs', '--seed', '1,13,45,60', '--parallel', '2', '--root', join(dir, 'campaign')], 900_000);
    expect(out).toMatch(/soak summary: 4 seeds/);
    expect(Number(/kill -9\s+(\d+)/.exec(out)?.[1])).toBeGreaterThan(0);
    expect(out, out).toMatch(/all invariants held/);
    expect(code).toBe(0);
  }, 920_000);
});
