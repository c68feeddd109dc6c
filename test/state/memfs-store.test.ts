/** The store through the file-system seam: the same protocol on an in-memory file system. */
import { memfs } from 'memfs';
import { describe, expect, it } from 'vitest';
import type { StateFs } from '../../src/state/fs.js';
import { encodeRecord } from '../../src/state/journal.js';
import { openFileStore, readStateSnapshot } from '../../src/state/file-store.js';
import { completed, entry, intent, submitted, upload } from './builders.js';

function memoryFs(files: Record<string, string> = {}) {
  const { fs, vol } = memfs({ '/proj/m.yaml': 'jobs: {}\n', ...files });
  return { fs: fs.promises as unknown as StateFs, vol };
}

describe('file store on memfs', () => {
  it('appends, writes the lock and compacts', async () => {
    const { fs, vol } = memoryFs();
    const store = await openFileStore('/proj/m.yaml', { fs });
    await store.append(upload('a'.repeat(64), 'upload/a.png'));
    await store.append(intent('x', 'rx'));
    await store.append(submitted('x', 'rx', 'vx'));
    await store.append(intent('y', 'ry'));
    await store.append(completed('y', entry({ videoId: 'vy', output: '/proj/renders/y.mp4' })));
    await store.compact();
    const files = vol.toJSON();
    expect(Object.keys(files).sort()).toEqual(['/proj/.pixrender/.gitignore', '/proj/.pixrender/m.yaml.journal', '/proj/.pixrender/m.yaml.pid', '/proj/m.yaml', '/proj/m.yaml.lock']);
    expect(JSON.parse(files['/proj/m.yaml.lock']!).jobs.y).toMatchObject({ videoId: 'vy', output: 'renders/y.mp4' });
    expect(files['/proj/.pixrender/m.yaml.journal']!.trimEnd().split('\n').map((l) => JSON.parse(l).type)).toEqual(['upload', 'intent', 'submitted']);
    await store.close();
    const state = await readStateSnapshot('/proj/m.yaml', { fs });
    expect(state.pending.get('x')?.videoId).toBe('vx');
    expect(state.lock.jobs.y?.videoId).toBe('vy');
    expect(vol.toJSON()['/proj/.pixrender/m.yaml.pid']).toBeUndefined();
  });

  it('repairs a torn tail on open', async () => {
    const journal = encodeRecord(intent('x', 'rx')) + encodeRecord(intent('y', 'ry')).slice(0, 10);
    const { fs, vol } = memoryFs({ '/proj/.pixrender/m.yaml.journal': journal });
    const store = await openFileStore('/proj/m.yaml', { fs });
    expect(vol.toJSON()['/proj/.pixrender/m.yaml.journal']).toBe(encodeRecord(intent('x', 'rx')));
    await store.append(intent('z', 'rz'));
    expect([...(await store.load()).pending.keys()]).toEqual(['x', 'z']);
    await store.close();
  });

  it('keeps the old lock when the rename never happens', async () => {
    const { fs, vol } = memoryFs({ '/proj/m.yaml.lock': '{"version":1,"jobs":{}}\n' });
    const failing: StateFs = { ...fs, rename: async () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) };
    const store = await openFileStore('/proj/m.yaml', { fs: failing });
    await expect(store.writeLock({ version: 1, jobs: { a: entry() } })).rejects.toThrow('EIO');
    expect(vol.toJSON()['/proj/m.yaml.lock']).toBe('{"version":1,"jobs":{}}\n');
    expect(Object.keys(vol.toJSON()).filter((f) => f.includes('.tmp'))).toEqual([]);
    await store.close();
  });

  it('stops journaling after a failed write, leaving no half line', async () => {
    const { fs, vol } = memoryFs();
    let failNext = false;
    const flaky: StateFs = {
      ...fs,
      open: async (path, flags, mode) => {
        const handle = await fs.open(path, flags, mode);
        return {
          write: async (buffer, offset, length, position) => {
            if (!failNext) return handle.write(buffer, offset, length, position);
            await handle.write(buffer, offset, Math.floor(length / 2), position);
            throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
          },
          sync: () => handle.sync(),
          truncate: (len) => handle.truncate(len),
          stat: () => handle.stat(),
          close: () => handle.close(),
        };
      },
    };
    const store = await openFileStore('/proj/m.yaml', { fs: flaky });
    await store.append(intent('x', 'rx'));
    failNext = true;
    await expect(store.append(intent('y', 'ry'))).rejects.toMatchObject({ code: 'io' });
    failNext = false;
    await expect(store.append(intent('z', 'rz'))).rejects.toMatchObject({ code: 'io' });
    expect(vol.toJSON()['/proj/.pixrender/m.yaml.journal']).toBe(encodeRecord(intent('x', 'rx')));
    await store.close();
  });
});
