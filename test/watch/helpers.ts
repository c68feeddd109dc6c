/** Helpers for the watch tests: an event recorder that can wait for events, temp projects, a fake watcher and fake timers. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEvent } from '../../src/watch/events.js';
import type { Timers } from '../../src/watch/machine.js';
import type { ChangeKind, FileWatcher, WatcherFactory } from '../../src/watch/watcher.js';

/** Records every session event; `next` waits (real time, bounded) for one matching after a mark. */
export class Recorder {
  readonly events: SessionEvent[] = [];
  private waiters: { from: number; match: (e: SessionEvent) => boolean; resolve: (e: SessionEvent) => void }[] = [];

  readonly sink = (event: SessionEvent): void => {
    this.events.push(event);
    const index = this.events.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index < w.from || !w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  };

  /** The index the next event will have. */
  mark(): number {
    return this.events.length;
  }

  next<T extends SessionEvent['type']>(type: T, from = 0, match: (e: Extract<SessionEvent, { type: T }>) => boolean = () => true, timeoutMs = 20_000): Promise<Extract<SessionEvent, { type: T }>> {
    const test = (e: SessionEvent) => e.type === type && match(e as Extract<SessionEvent, { type: T }>);
    const found = this.events.slice(from).find(test);
    if (found) return Promise.resolve(found as Extract<SessionEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" event within ${timeoutMs} ms; got: ${this.events.slice(from).map((e) => e.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ from, match: test, resolve: (e) => (clearTimeout(timer), resolve(e as Extract<SessionEvent, { type: T }>)) });
    });
  }

  since(from: number): SessionEvent[] {
    return this.events.slice(from);
  }

  ofType<T extends SessionEvent['type']>(type: T, from = 0): Extract<SessionEvent, { type: T }>[] {
    return this.since(from).filter((e) => e.type === type) as Extract<SessionEvent, { type: T }>[];
  }
}

export async function tempProject(files: Record<string, string>): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-watch-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A watcher driven by the test: `emit` plays a file event; `files` is the set the session asked for. */
export class FakeWatcher implements FileWatcher {
  files: string[] = [];
  closed = false;
  private onChange: (file: string, kind: ChangeKind) => void = () => {};

  readonly factory: WatcherFactory = (onChange) => {
    this.onChange = onChange;
    return this;
  };

  async setFiles(files: readonly string[]): Promise<void> {
    this.files = [...files];
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  emit(file: string, kind: ChangeKind = 'change'): void {
    this.onChange(file, kind);
  }
}

/** Timers that only fire when the test advances the fake time. */
export class FakeTimers implements Timers {
  now = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get count(): number {
    return this.pending.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

/** Lets queued promise callbacks run. */
export const flush = async (rounds = 10): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};
