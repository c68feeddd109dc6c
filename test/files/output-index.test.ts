/**
 * Cached outputs are checked against the lock's sha256: a damaged file (same size, other bytes, even
 * with its old mtime put back) is downloaded again, never re-rendered and never shown as cached. A
 * local index under .pixrender/ (size, mtime, ctime, inode → sha256) keeps later plans from hashing
 * unchanged files, like git's index.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planManifest } from '../../src/plan-inputs.js';
import { verifiedOutputs, type OutputCheck } from '../../src/state/output-index.js';
import { makeRig, manifest, ran, type Rig } from '../render/helpers.js';

let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Flips one byte in the middle, keeping the size and (with `keepTimes`) the modification time. */
async function damage(file: string, keepTimes: boolean): Promise<void> {
  const before = await stat(file);
  const bytes = await readFile(file);
  const middle = bytes.length >> 1;
  bytes.writeUInt8(bytes[middle]! ^ 0xff, middle);
  await writeFile(file, bytes);
  if (keepTimes) await utimes(file, before.atime, before.mtime);
}

describe('a damaged cached output', () => {
  for (const keepTimes of [false, true]) {
    it(`same size, other bytes${keepTimes ? ', old mtime put back' : ''} → download (not cached, not render); the render restores it without submitting`, async () => {
      rig = await makeRig();
      await rig.write(manifest('  a:\n    prompt: first\n  b:\n    prompt: second\n'));
      ran((await rig.render()).outcome);
      // A plan after the render records both files in the index, so the damage must beat the index.
      const clean = await planManifest(rig.file, { backend: 'useapi' });
      expect(clean.ok && clean.plan.jobs.map((j) => j.action)).toEqual(['cached', 'cached']);
      const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
      const fileB = join(rig.dir, lock.jobs.b.output);
      await damage(fileB, keepTimes);

      const planned = await planManifest(rig.file, { backend: 'useapi' });
      expect(planned.ok && Object.fromEntries(planned.plan.jobs.map((j) => [j.id, j.action]))).toEqual({ a: 'cached', b: 'download' });
      expect(planned.ok && planned.plan.totals.credits).toBe(0);

      const submitted = rig.sim.stats().jobs.length;
      const again = ran((await rig.render()).outcome);
      expect(again.summary).toMatchObject({ cached: 1, downloaded: 1, done: 0, failed: 0 });
      expect(rig.sim.stats().jobs.length).toBe(submitted);
      expect(sha(await readFile(fileB))).toBe(lock.jobs.b.sha256);
    });
  }
});

describe('restoring a recorded output', () => {
  it('bytes other than the lock recorded never reach the output: the restore fails, saying so', async () => {
    rig = await makeRig();
    await rig.write(manifest('  a:\n    prompt: first\n'));
    ran((await rig.render()).outcome);
    const lockText = await readFile(`${rig.file}.lock`, 'utf8');
    const lock = JSON.parse(lockText);
    await writeFile(`${rig.file}.lock`, lockText.replace(lock.jobs.a.sha256, 'c'.repeat(64)));
    await rm(join(rig.dir, lock.jobs.a.output));

    const restored = ran((await rig.render()).outcome);
    expect(restored.plan.jobs[0]!.action).toBe('download');
    expect(restored.summary.failures.map((f) => f.id)).toEqual(['a']);
    expect(restored.summary.failures[0]!.reason).toMatch(/hash-mismatch/);
    expect(existsSync(join(rig.dir, lock.jobs.a.output))).toBe(false);
    expect(rig.sim.stats().jobs).toHaveLength(1);
  });
});

describe('the output index', () => {
  async function setup(count: number): Promise<{ checks: OutputCheck[]; manifestFile: string; hashed: string[]; verify: () => Promise<Set<string>> }> {
    dir = await mkdtemp(join(tmpdir(), 'pixrender-index-'));
    const manifestFile = join(dir, 'project.yaml');
    const checks: OutputCheck[] = [];
    const hour = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < count; i++) {
      const bytes = Buffer.from(`video ${i}`.repeat(100));
      const file = join(dir, `v${i}.mp4`);
      await writeFile(file, bytes);
      await utimes(file, hour, hour);
      checks.push({ id: `j${i}`, file, size: bytes.length, sha256: sha(bytes) });
    }
    const hashed: string[] = [];
    const hashFile = async (file: string) => {
      hashed.push(file);
      return sha(await readFile(file));
    };
    return { checks, manifestFile, hashed, verify: () => verifiedOutputs(manifestFile, checks, { hashFile }) };
  }

  it('hashes each file once; later checks trust size + mtime + ctime + inode; a touched file is hashed again', async () => {
    const { checks, manifestFile, hashed, verify } = await setup(3);
    expect([...(await verify())].sort()).toEqual(['j0', 'j1', 'j2']);
    expect(hashed).toHaveLength(3);
    expect(existsSync(join(dir!, '.pixrender', 'project.yaml.outputs.json'))).toBe(true);
    hashed.length = 0;
    expect((await verify()).size).toBe(3);
    expect(hashed).toEqual([]);
    const now = new Date();
    await utimes(checks[1]!.file, now, now);
    expect((await verify()).size).toBe(3);
    expect(hashed).toEqual([checks[1]!.file]);
    expect(manifestFile).toBe(join(dir!, 'project.yaml'));
  });

  it('a file with a different size is not present, without hashing; a missing one neither', async () => {
    const { checks, hashed, verify } = await setup(2);
    await writeFile(checks[0]!.file, 'short');
    await rm(checks[1]!.file);
    expect(await verify()).toEqual(new Set());
    expect(hashed).toEqual([]);
  });

  it('an index entry for other content (a lock that changed) is not trusted as a match', async () => {
    const { checks, verify } = await setup(1);
    expect((await verify()).size).toBe(1);
    checks[0]!.sha256 = sha(Buffer.from('some other render'));
    expect((await verify()).size).toBe(0);
  });

  it('a damaged or foreign index file is ignored (everything is hashed again), and an unwritable one costs nothing but speed', async () => {
    const { hashed, verify } = await setup(2);
    await verify();
    await writeFile(join(dir!, '.pixrender', 'project.yaml.outputs.json'), '{"version":1,"files":{"v0.mp4":"garbage"');
    hashed.length = 0;
    expect((await verify()).size).toBe(2);
    expect(hashed).toHaveLength(2);
    await rm(join(dir!, '.pixrender'), { recursive: true });
    await writeFile(join(dir!, '.pixrender'), 'a file where the state folder should be');
    hashed.length = 0;
    expect((await verify()).size).toBe(2);
    expect(hashed).toHaveLength(2);
  });

  it('a file changed less than the timestamp resolution after it was hashed is hashed again (racy entry)', async () => {
    const { checks, hashed, verify } = await setup(1);
    const now = new Date();
    await utimes(checks[0]!.file, now, now);
    await verify();
    hashed.length = 0;
    await verify();
    expect(hashed, 'an entry whose mtime is as new as its hash proves nothing').toHaveLength(1);
  });

  it('a lock entry without a sha256 (older lock) is present on size alone', async () => {
    const { checks, hashed, verify } = await setup(1);
    delete checks[0]!.sha256;
    expect((await verify()).size).toBe(1);
    expect(hashed).toEqual([]);
  });
});
