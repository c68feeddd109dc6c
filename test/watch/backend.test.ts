/** The session backend: opened once, reused, closed; config changes to it are warned about, not applied. */
import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../src/config.js';
import { BackendError, type Backend, type Loaded } from '../../src/pipeline.js';
import type { SessionEvent } from '../../src/watch/events.js';
import { sessionBackend } from '../../src/watch/backend.js';
import { catalog } from './fakes.js';

const loadedWith = (config: ProjectConfig) => ({ config, catalog }) as unknown as Loaded;

function harness(failures: Error[] = []) {
  const events: SessionEvent[] = [];
  let opened = 0;
  let closed = 0;
  const open = async () => {
    const failure = failures.shift();
    if (failure) throw failure;
    opened++;
    return { kind: 'sim', description: `sim #${opened}`, api: {}, slots: 8, timeScale: 1, close: async () => void closed++ } as unknown as Backend;
  };
  const backend = sessionBackend({ stateDir: '/p/.pixrender' }, (e) => events.push(e), open);
  return { backend, events, counts: () => ({ opened, closed }) };
}

describe('sessionBackend', () => {
  it('opens once, reuses it for every run, and closes it', async () => {
    const h = harness();
    const a = await h.backend.get(loadedWith({}));
    const b = await h.backend.get(loadedWith({}));
    expect(a).toBe(b);
    expect(h.events.filter((e) => e.type === 'backend')).toHaveLength(1);
    await h.backend.close();
    expect(h.counts()).toEqual({ opened: 1, closed: 1 });
  });

  it('warns once when the config changes backend settings, and keeps the backend', async () => {
    const h = harness();
    const first = await h.backend.get(loadedWith({ apiUrl: 'http://a' }));
    expect(await h.backend.get(loadedWith({ apiUrl: 'http://b', defaults: { quality: '720p' } }))).toBe(first);
    await h.backend.get(loadedWith({ apiUrl: 'http://b' }));
    await h.backend.get(loadedWith({ apiUrl: 'http://a', defaults: { quality: '360p' } }));
    const warnings = h.events.filter((e) => e.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/restart watch/) });
    expect(h.counts().opened).toBe(1);
  });

  it('tries again on the next run after a failed open', async () => {
    const h = harness([new BackendError('no API token: set USEAPI_TOKEN')]);
    await expect(h.backend.get(loadedWith({}))).rejects.toBeInstanceOf(BackendError);
    await expect(h.backend.get(loadedWith({}))).resolves.toMatchObject({ description: 'sim #1' });
  });
});
