/** A run that cannot write its state (a full disk) does not end the watch: one line, then the next save renders. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOptions } from '../../src/pipeline.js';
import { DiskError } from '../../src/state/fs.js';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { fakeBackend, FakeRunner, memoryProject } from './fakes.js';
import { FakeTimers, FakeWatcher, flush, Recorder } from './helpers.js';

const FILE = '/proj/teaser.yaml';
const manifest = (prompt: string) => `version: 1\nname: teaser\ndefaults:\n  model: v6\n  quality: 360p\n  duration: 5\njobs:\n  intro:\n    prompt: ${prompt}\n`;

let session: WatchSession | undefined;
afterEach(async () => {
  await session?.stop();
  session = undefined;
});

describe('watch and a failing disk', () => {
  it('reports a DiskError from a run in one warning and renders the next save', async () => {
    const project = memoryProject({ [FILE]: manifest('one') });
    const runner = new FakeRunner();
    const watcher = new FakeWatcher();
    const timers = new FakeTimers();
    const events = new Recorder();
    let failNext = true;
    const run = async (file: string, options: RunOptions) => {
      if (failNext) {
        failNext = false;
        throw new DiskError('no-space', '/proj/.pixrender/journal.ndjson', 'ENOSPC');
      }
      return runner.run(file, options);
    };
    session = await startWatch(FILE, {
      watcher: watcher.factory,
      timers,
      onEvent: events.sink,
      runtime: { load: project.load, run, backend: async () => fakeBackend },
      stability: { settleMs: 0, stat: project.stat },
    });
    await session.whenIdle();
    const warnings = events.ofType('warning').map((e) => e.message);
    expect(warnings.filter((m) => /ENOSPC|disk/i.test(m))).toHaveLength(1);
    expect(events.ofType('idle').length).toBeGreaterThan(0);

    project.write(FILE, manifest('two'));
    watcher.emit(FILE);
    timers.advance(200);
    await flush();
    await session.whenIdle();
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]!.submitted).toEqual(['intro']);
  });
});
