/**
 * kill -9 at arbitrary moments: a child process appends to the journal or rewrites the lock in a loop and
 * is killed mid-flight. Afterwards the state must load, hold every record the child saw acknowledged,
 * and the lock must be exactly one of the versions written.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeLock } from '../../src/state/lock-file.js';
import { openFileStore } from '../../src/state/file-store.js';
import { entry, intent } from './builders.js';
import { compileStateModules, runChild } from './child.js';

let dir: string;
let storeModule: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-crash-'));
  storeModule = await compileStateModules(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kill -9 while appending', () => {
  it('keeps every acknowledged record and a journal that loads', async () => {
    const manifest = join(dir, 'append.yaml');
    await writeFile(manifest, 'jobs: {}\n');
    // Large records make it likely that the kill lands inside a write.
    const filler = 'x'.repeat(200_000);
    let acknowledged = 0;
    for (let round = 0; round < 6; round++) {
      const running = await runChild(
        dir,
        `import { openFileStore } from ${JSON.stringify(storeModule)};
         const store = await openFileStore(${JSON.stringify(manifest)});
         for (let i = ${acknowledged}; ; i++) {
           await store.append({ type: 'intent', job: 'job' + i, fingerprint: 'f', endpoint: 'videos/create', replyRef: ${JSON.stringify(filler)} + i, credits: i, offPeak: false, at: new Date().toISOString() });
           process.stdout.write(i + '\\n');
         }`,
      );
      await running.acked(5 + round * 7);
      await running.kill(Math.random() * 20);
      const lastAck = running.acks.at(-1)!;

      const store = await openFileStore(manifest); // the dead child's pid file is stale
      const state = await store.load();
      for (let i = 0; i <= lastAck; i++) expect(state.pending.get(`job${i}`)?.credits).toBe(i);
      expect([lastAck + 1, lastAck + 2]).toContain(state.pending.size); // at most one written but not yet acknowledged
      acknowledged = state.pending.size;
      await store.close();
      const journal = await readFile(join(dir, '.pixrender', 'append.yaml.journal'), 'utf8');
      expect(journal.endsWith('\n')).toBe(true);
    }
  });
});

describe('kill -9 while rewriting the lock', () => {
  it('leaves the old or the new lock, never a mix, and no temp file after reopening', async () => {
    const manifest = join(dir, 'lock.yaml');
    await writeFile(manifest, 'jobs: {}\n');
    const small = { version: 1 as const, jobs: { a: entry({ videoId: 'small' }) } };
    const large = { version: 1 as const, jobs: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`job${i}`, entry({ videoId: `large${i}` })])) };
    const versions = new Set([serializeLock(small), serializeLock(large)]);
    for (let round = 0; round < 6; round++) {
      const running = await runChild(
        dir,
        `import { openFileStore } from ${JSON.stringify(storeModule)};
         const locks = [${JSON.stringify(small)}, ${JSON.stringify(large)}];
         const store = await openFileStore(${JSON.stringify(manifest)});
         for (let i = 0; ; i++) {
           await store.writeLock(locks[i % 2]);
           process.stdout.write(i + '\\n');
         }`,
      );
      await running.acked(2 + round * 3);
      await running.kill(Math.random() * 20);
      expect(versions.has(await readFile(`${manifest}.lock`, 'utf8'))).toBe(true);
      const store = await openFileStore(manifest);
      expect([1, 3000]).toContain(Object.keys((await store.load()).lock.jobs).length);
      expect((await readdir(dir)).filter((name) => name.startsWith('.lock.yaml.lock.'))).toEqual([]);
      await store.close();
    }
  });
});

describe('a live run in another process', () => {
  it('blocks openFileStore until it ends', async () => {
    const manifest = join(dir, 'busy.yaml');
    await writeFile(manifest, 'jobs: {}\n');
    const running = await runChild(
      dir,
      `import { openFileStore } from ${JSON.stringify(storeModule)};
       await openFileStore(${JSON.stringify(manifest)});
       process.stdout.write('1\\n');
       setInterval(() => {}, 1000);`,
    );
    await running.acked(1);
    await expect(openFileStore(manifest)).rejects.toMatchObject({ code: 'busy', holder: { pid: running.child.pid } });
    await running.kill();
    const store = await openFileStore(manifest);
    await store.append(intent('a', 'r'));
    await store.close();
  });
});
