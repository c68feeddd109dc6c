import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobId } from '../../src/model.js';
import { encodeRecord } from '../../src/state/journal.js';
import { serializeLock } from '../../src/state/lock-file.js';
import { openFileStore, readStateSnapshot, statePaths } from '../../src/state/file-store.js';
import { isStateError, StateError, type JournalRecord, type StateStore } from '../../src/state/store.js';
import { StateBusyError } from '../../src/state/errors.js';
import { completed, entry, failed, intent, submitted, upload } from './builders.js';

let dir: string;
let manifest: string;
const open: StateStore[] = [];

async function openStore(options: Parameters<typeof openFileStore>[1] = {}): Promise<StateStore> {
  const store = await openFileStore(manifest, options);
  open.push(store);
  return store;
}

const journalText = () => readFile(statePaths(manifest).journal, 'utf8');
const lockText = () => readFile(statePaths(manifest).lock, 'utf8');
const tempFiles = async () =>
  [...(await readdir(dir)), ...(await readdir(join(dir, '.pixrender')).catch(() => []))].filter((name) => name.includes('.tmp'));

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-state-'));
  manifest = join(dir, 'quickstart.yaml');
  await writeFile(manifest, 'jobs: {}\n');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('paths', () => {
  it('puts the lock next to the manifest and the journal and pid file under .pixrender', () => {
    expect(statePaths('/p/examples/quickstart.yaml')).toEqual({
      manifest: '/p/examples/quickstart.yaml',
      manifestDir: '/p/examples',
      lock: '/p/examples/quickstart.yaml.lock',
      stateDir: '/p/examples/.pixrender',
      journal: '/p/examples/.pixrender/quickstart.yaml.journal',
      pid: '/p/examples/.pixrender/quickstart.yaml.pid',
    });
    expect(statePaths('/p/a.yml', '/state').journal).toBe('/state/a.yml.journal');
  });
});

describe('openFileStore', () => {
  it('starts empty and replays what was appended, across reopenings', async () => {
    const store = await openStore();
    expect(await store.load()).toEqual({ lock: { version: 1, jobs: {} }, pending: new Map(), uploads: new Map(), failed: new Map(), superseded: [], claimedVideoIds: new Set(), results: new Map() });
    await store.append(intent('a', 'r1'));
    await store.append(submitted('a', 'r1', 'v1'));
    await store.append(intent('b', 'r2'));
    await store.append(upload('c'.repeat(64), 'upload/x.png'));
    await store.close();
    const again = await openStore();
    const state = await again.load();
    expect(state.pending.get('a')?.videoId).toBe('v1');
    expect(state.pending.get('b')?.videoId).toBeUndefined();
    expect(state.uploads.get('c'.repeat(64))).toMatchObject({ path: 'upload/x.png', at: expect.any(String) });
    expect((await journalText()).split('\n')).toHaveLength(5);
  });

  it('writes the lock sorted, atomically, and leaves no temp file', async () => {
    const store = await openStore();
    await store.writeLock({ version: 1, jobs: { outro: entry({ videoId: 'o' }), intro: entry({ videoId: 'i' }) } });
    const text = await lockText();
    expect(text).toBe(serializeLock({ version: 1, jobs: { intro: entry({ videoId: 'i' }), outro: entry({ videoId: 'o' }) } }));
    expect(await tempFiles()).toEqual([]);
  });

  it('turns absolute output paths into paths relative to the manifest', async () => {
    const store = await openStore();
    await store.writeLock({ version: 1, jobs: { a: entry({ output: join(dir, 'renders', 'a.mp4') }) } });
    expect(JSON.parse(await lockText()).jobs.a.output).toBe('renders/a.mp4');
    await store.append(completed('b', entry({ output: join(dir, 'renders', 'b.mp4') })));
    expect(await journalText()).not.toContain(dir);
    expect((await store.load()).lock.jobs.b?.output).toBe('renders/b.mp4');
  });

  it('a completion in the journal counts even if the lock was never rewritten', async () => {
    const store = await openStore();
    await store.writeLock({ version: 1, jobs: { a: entry({ videoId: 'old' }) } });
    await store.append(completed('b', entry({ videoId: 'vb' })));
    await store.close();
    const state = await readStateSnapshot(manifest);
    expect(Object.keys(state.lock.jobs)).toEqual(['a', 'b']);
  });

  it('compacts: completions move into the lock, open attempts, uploads and the last failure stay in the journal', async () => {
    const store = await openStore();
    await store.append(upload('d'.repeat(64), 'upload/old.png'));
    await store.append(intent('a', 'ra'));
    await store.append(submitted('a', 'ra', 'va'));
    await store.append(completed('a', entry({ videoId: 'va' })));
    await store.append(intent('b', 'rb'));
    await store.append(submitted('b', 'rb', 'vb'));
    await store.append(intent('c', 'rc'));
    await store.append(failed('c', 'moderation'));
    await store.append(upload('d'.repeat(64), 'upload/new.png'));
    const before = await store.load();
    await store.compact();
    expect(JSON.parse(await lockText()).jobs.a.videoId).toBe('va');
    expect((await journalText()).trimEnd().split('\n').map((line) => JSON.parse(line).type)).toEqual(['intent', 'submitted', 'failed', 'upload']);
    const after = await store.load();
    expect(after.lock).toEqual(before.lock);
    expect(after.pending).toEqual(before.pending);
    expect(after.uploads).toEqual(before.uploads);
    expect(after.failed).toEqual(before.failed);
    expect(after.failed.get('c')?.reason).toBe('moderation');
    // Appends after compaction go to the new journal file.
    await store.append(completed('b', entry({ videoId: 'vb' })));
    expect((await store.load()).pending.size).toBe(0);
    expect(await tempFiles()).toEqual([]);
  });

  it('after compaction a pruned lock stays pruned', async () => {
    const store = await openStore();
    await store.append(completed('gone', entry()));
    await store.append(completed('kept', entry()));
    await store.compact();
    await store.writeLock({ version: 1, jobs: { kept: entry() } });
    expect(Object.keys((await store.load()).lock.jobs)).toEqual(['kept']);
  });

  it('cuts a torn last line before appending, so it never becomes garbage in the middle', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.journal, encodeRecord(intent('a', 'r1')) + encodeRecord(submitted('a', 'r1', 'v1')).slice(0, 25));
    expect((await readStateSnapshot(manifest)).pending.get('a')?.videoId).toBeUndefined();
    const store = await openStore();
    await store.append(intent('b', 'r2'));
    expect((await journalText()).split('\n').map((line) => line.length > 0 && JSON.parse(line).job)).toEqual(['a', 'b', false]);
  });

  it('keeps a whole last record that misses its newline', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.journal, encodeRecord(intent('a', 'r1')) + encodeRecord(submitted('a', 'r1', 'v1')).trimEnd());
    const store = await openStore();
    await store.append(intent('b', 'r2'));
    const state = await store.load();
    expect(state.pending.get('a')?.videoId).toBe('v1');
    expect(state.pending.has('b')).toBe(true);
  });

  it('refuses to load a journal with garbage in the middle, naming the line', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.journal, `${encodeRecord(intent('a', 'r1'))}oops\n${encodeRecord(intent('b', 'r2'))}`);
    const store = await openStore();
    const error = await store.load().catch((e: unknown) => e);
    expect(isStateError(error, 'journal-corrupt')).toBe(true);
    expect((error as StateError).message).toContain('line 2: not valid JSON');
    expect((error as StateError).file).toBe(paths.journal);
  });

  it('refuses to load a lock file with merge conflicts', async () => {
    await writeFile(`${manifest}.lock`, '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> b\n');
    await expect(readStateSnapshot(manifest)).rejects.toMatchObject({ code: 'lock-corrupt', file: `${manifest}.lock` });
  });

  it('never writes a secret into the journal or the lock', async () => {
    const token = 'user:1234-SECRETSECRETSECRET';
    const store = await openStore({ secrets: [token] });
    await expect(store.append(failed('a', `401 for ${token}`))).rejects.toMatchObject({ code: 'secret' });
    await expect(store.writeLock({ version: 1, jobs: { a: entry({ url: `https://x/?t=${token}` }) } })).rejects.toMatchObject({ code: 'secret' });
    const error = await store.append(failed('a', token)).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(token);
    await store.append(failed('a', 'fine'));
    expect(await journalText()).not.toContain(token);
  });

  it('rejects malformed records instead of writing them', async () => {
    const store = await openStore();
    await expect(store.append({ ...intent('a', 'r'), credits: '45' } as unknown as JournalRecord)).rejects.toBeInstanceOf(TypeError);
    await expect(store.append({ type: 'upload', sha256: 'x', path: undefined as unknown as string, at: 'now' })).rejects.toBeInstanceOf(TypeError);
    expect((await journalText().catch(() => '')).length).toBe(0);
  });

  it('rejects writes after close and closes only once', async () => {
    const store = await openStore();
    await store.close();
    await store.close();
    await expect(store.append(intent('a', 'r'))).rejects.toMatchObject({ code: 'closed' });
    await expect(store.writeLock({ version: 1, jobs: {} })).rejects.toMatchObject({ code: 'closed' });
  });

  it('serializes concurrent appends into whole lines', async () => {
    const store = await openStore();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(intent(`job${i}`, `r${i}`, 0))));
    const state = await store.load();
    expect(state.pending.size).toBe(50);
  });
});

describe('run lock', () => {
  it('refuses a second run on the same manifest while the first is open', async () => {
    const first = await openStore();
    const error = await openFileStore(manifest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateBusyError);
    expect((error as StateBusyError).code).toBe('busy');
    expect((error as StateBusyError).holder.pid).toBe(process.pid);
    await first.close();
    await openStore();
  });

  it('does not block another manifest in the same directory', async () => {
    await openStore();
    const other = join(dir, 'other.yaml');
    const store = await openFileStore(other);
    await store.close();
  });

  it('takes over a pid file left by a dead process', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    const stale = { pid: deadPid(), hostname: (await import('node:os')).hostname(), startedAt: 'then', token: 'old' };
    await writeFile(paths.pid, JSON.stringify(stale));
    await openStore();
    expect(JSON.parse(await readFile(paths.pid, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('treats a lock from another host as held', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.pid, JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: 'then', token: 't' }));
    await expect(openFileStore(manifest)).rejects.toMatchObject({ code: 'busy', holder: { hostname: 'elsewhere' } });
  });

  it('lets only one of many simultaneous openers win', async () => {
    const paths = statePaths(manifest);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(paths.pid, JSON.stringify({ pid: deadPid(), hostname: (await import('node:os')).hostname(), startedAt: 'then', token: 'old' }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => openFileStore(manifest, { pid: 900_000 + i, isProcessAlive: (pid) => pid >= 900_000 })));
    const winners = results.filter((r): r is PromiseFulfilledResult<StateStore> => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => isStateError((r as PromiseRejectedResult).reason, 'busy'))).toBe(true);
    await winners[0]!.value.close();
  });

  it('removes the pid file on close, and only its own', async () => {
    const paths = statePaths(manifest);
    const store = await openStore();
    await store.close();
    await expect(readFile(paths.pid)).rejects.toMatchObject({ code: 'ENOENT' });
    const second = await openStore();
    const takenOver = JSON.stringify({ pid: process.pid, hostname: 'h', startedAt: 'now', token: 'someone-else' });
    await writeFile(paths.pid, takenOver);
    await second.close();
    expect(await readFile(paths.pid, 'utf8')).toBe(takenOver);
  });

  it('removes temp files a killed writer left behind', async () => {
    await writeFile(join(dir, '.quickstart.yaml.lock.0123456789ab.tmp'), '{"half');
    await writeFile(join(dir, '.other.yaml.lock.0123456789ab.tmp'), 'not ours');
    await openStore();
    expect(await tempFiles()).toEqual(['.other.yaml.lock.0123456789ab.tmp']);
  });
});

describe('readStateSnapshot', () => {
  it('reads while a run holds the lock, without taking it', async () => {
    const store = await openStore();
    await store.append(intent('a', 'r1'));
    expect((await readStateSnapshot(manifest)).pending.has(jobId('a'))).toBe(true);
  });
});
