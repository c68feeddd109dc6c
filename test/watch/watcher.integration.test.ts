/**
 * The chokidar watcher on a real temp dir: in-place writes, editors' rename-saves, delete + recreate,
 * and changes to the watched set. Absence of an event is checked by ordering: an unwatched file is
 * touched first, then a watched one, and only the watched one's event may arrive.
 */
import { chmod, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chokidarWatcher, type ChangeKind, type FileWatcher } from '../../src/watch/watcher.js';
import { tempProject } from './helpers.js';

describe('chokidar watcher', () => {
  let project: Awaited<ReturnType<typeof tempProject>>;
  let watcher: FileWatcher;
  let seen: { file: string; kind: ChangeKind }[];
  let waiters: { file: string; resolve: () => void }[];

  beforeEach(async () => {
    project = await tempProject({ 'a.yaml': 'a: 1\n', 'other.txt': 'x' });
    await mkdir(join(project.dir, 'images'));
    await writeFile(join(project.dir, 'images', 'b.png'), 'b');
    seen = [];
    waiters = [];
    watcher = chokidarWatcher(
      (file, kind) => {
        seen.push({ file, kind });
        waiters = waiters.filter((w) => (w.file === file ? (w.resolve(), false) : true));
      },
      (error) => {
        throw error;
      },
    );
  });

  afterEach(async () => {
    await watcher.close();
    await project.cleanup();
  });

  const path = (...parts: string[]) => join(project.dir, ...parts);
  const eventFor = (file: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event for ${file}; seen ${JSON.stringify(seen)}`)), timeoutMs);
      waiters.push({ file, resolve: () => (clearTimeout(timer), resolve()) });
    });

  it('reports in-place writes of watched files only', async () => {
    await watcher.setFiles([path('a.yaml')]);
    const event = eventFor(path('a.yaml'));
    await writeFile(path('other.txt'), 'y');
    await writeFile(path('a.yaml'), 'a: 2\n');
    await event;
    expect(seen.map((s) => s.file)).not.toContain(path('other.txt'));
    expect(seen[0]).toEqual({ file: path('a.yaml'), kind: 'change' });
  });

  it('reports a second save that follows the first within a few milliseconds', async () => {
    await watcher.setFiles([path('a.yaml')]);
    const first = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 2\n');
    await first;
    const second = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 3\n');
    await second;
  });

  it('does not report a change of attributes only (e.g. chmod)', async () => {
    await watcher.setFiles([path('a.yaml')]);
    await chmod(path('a.yaml'), 0o600);
    await chmod(path('a.yaml'), 0o644);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let those events arrive (no timing is asserted)
    const attributesOnly = seen.length;
    const event = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 8\n');
    await event;
    expect(attributesOnly).toBe(0);
  });

  it('does not report a file that only became watched, when its folder is read again', async () => {
    await watcher.setFiles([path('a.yaml')]);
    await watcher.setFiles([path('a.yaml'), path('other.txt')]);
    await mkdir(path('.pixrender')); // makes chokidar read the folder again and meet other.txt
    await new Promise((resolve) => setTimeout(resolve, 50)); // let that rescan happen (no timing is asserted)
    const event = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 9\n');
    await event;
    expect(seen.map((s) => s.file)).not.toContain(path('other.txt'));
  });

  it('sees a save that writes a temporary file and renames it over the original', async () => {
    await watcher.setFiles([path('a.yaml')]);
    const first = eventFor(path('a.yaml'));
    await writeFile(path('.a.yaml.swp'), 'a: 3\n');
    await rename(path('.a.yaml.swp'), path('a.yaml'));
    await first;
    // And the next save still works: the watch followed the new file.
    const second = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml.tmp'), 'a: 4\n');
    await rename(path('a.yaml.tmp'), path('a.yaml'));
    await second;
    expect(seen.every((s) => s.file === path('a.yaml'))).toBe(true);
  });

  it('sees a file deleted and written again', async () => {
    await watcher.setFiles([path('a.yaml')]);
    const event = eventFor(path('a.yaml'));
    await unlink(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 5\n');
    await event;
    const again = eventFor(path('a.yaml'));
    await writeFile(path('a.yaml'), 'a: 6\n');
    await again;
  });

  it('follows changes to the watched set, in other folders too', async () => {
    await watcher.setFiles([path('a.yaml'), path('images', 'b.png')]);
    const b = eventFor(path('images', 'b.png'));
    await writeFile(path('images', 'b.png'), 'b2');
    await b;

    await watcher.setFiles([path('a.yaml')]);
    const mark = seen.length;
    const a = eventFor(path('a.yaml'));
    await writeFile(path('images', 'b.png'), 'b3');
    await writeFile(path('a.yaml'), 'a: 7\n');
    await a;
    expect(seen.slice(mark).map((s) => s.file)).not.toContain(path('images', 'b.png'));
  });
});
