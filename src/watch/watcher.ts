/**
 * File watching as a seam: the session asks for a set of files and hears about changes; tests pass a fake.
 *
 * The chokidar implementation watches the folders that hold the files (one level, no recursion) and keeps
 * only events for the files in the set. Watching folder entries rather than the files themselves is what
 * makes editors that save by writing a temporary file and renaming it over the original work: the new
 * file is a new inode, which a watch on the old file would never see. chokidar's `atomic` option turns
 * such an unlink + add pair into one `change`.
 *
 * chokidar drops a `change` that follows another for the same path within 50 ms (no trailing event), so a
 * quick second save could go unreported; its unthrottled `raw` events are heard too. An event counts only
 * if the file's inode, size or mtime changed since it was last seen: chokidar also reports an `add` for a
 * file that merely became wanted when it rescans its folder (e.g. once .pixrender/ appears), and raw events
 * come for attribute-only changes (chmod). Duplicates are fine: the session debounces.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export type ChangeKind = 'add' | 'change' | 'unlink';

export interface FileWatcher {
  /** Replaces the set of watched files (absolute paths); resolves once the watch is in place. */
  setFiles(files: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export type WatcherFactory = (onChange: (file: string, kind: ChangeKind) => void, onError: (error: Error) => void) => FileWatcher;

export const chokidarWatcher: WatcherFactory = (onChange, onError) => new FolderWatcher(onChange, onError);

class FolderWatcher implements FileWatcher {
  private files = new Set<string>();
  private folders = new Set<string>();
  /** Each watched file's last seen `ino:size:mtime`, to tell writes from reads in raw events. */
  private readonly seen = new Map<string, string>();
  private watcher?: FSWatcher;
  private closed = false;

  constructor(
    private readonly onChange: (file: string, kind: ChangeKind) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  async setFiles(list: readonly string[]): Promise<void> {
    if (this.closed) return;
    const files = new Set(list.map((f) => resolve(f)));
    const folders = new Set([...files].map((f) => dirname(f)));
    const added = [...folders].filter((d) => !this.folders.has(d));
    const removed = [...this.folders].filter((d) => !folders.has(d));
    for (const f of this.seen.keys()) if (!files.has(f)) this.seen.delete(f);
    await Promise.all([...files].filter((f) => !this.seen.has(f)).map(async (f) => this.seen.set(f, await signature(f))));
    // Update the filter before chokidar reads the new folders: it asks `ignored` about every entry.
    this.files = files;
    this.folders = folders;
    if (!this.watcher) {
      const watcher = watch([...folders], { ignoreInitial: true, depth: 0, atomic: true, ignored: (path) => !this.wanted(path) });
      this.watcher = watcher;
      watcher.on('all', (event, path) => {
        if ((event === 'add' || event === 'change' || event === 'unlink') && this.files.has(resolve(path))) void this.changed(resolve(path), event);
      });
      watcher.on('raw', (_event, name, details) => {
        const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
        if (typeof watchedPath !== 'string') return;
        const watched = resolve(watchedPath);
        const file = this.files.has(watched) ? watched : name ? resolve(watched, name) : undefined;
        if (file && this.files.has(file)) void this.changed(file, 'change');
      });
      watcher.on('error', (error) => this.onError(error instanceof Error ? error : new Error(String(error))));
      await new Promise<void>((done) => watcher.once('ready', () => done()));
      return;
    }
    if (removed.length > 0) this.watcher.unwatch(removed);
    if (added.length > 0) this.watcher.add(added);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.close();
  }

  private async changed(file: string, kind: ChangeKind): Promise<void> {
    const now = await signature(file);
    if (this.closed || !this.files.has(file) || this.seen.get(file) === now) return;
    this.seen.set(file, now);
    this.onChange(file, now === 'missing' ? 'unlink' : kind === 'unlink' ? 'add' : kind);
  }

  private wanted(path: string): boolean {
    const absolute = resolve(path);
    return this.folders.has(absolute) || this.files.has(absolute);
  }
}

async function signature(file: string): Promise<string> {
  return stat(file).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => 'missing');
}
