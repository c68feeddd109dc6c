// One contract, both stores: whatever the executor relies on holds for the file store and for the
// PostgreSQL store (a real server from the system binaries; skipped, saying why, where there is none).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StateBusyError } from '../../src/state/errors.js';
import { openFileStore } from '../../src/state/file-store.js';
import { openPgStore } from '../../src/state/pg/pg-store.js';
import { isStateError, type JournalRecord, type StateStore } from '../../src/state/store.js';
import { postgresMissing, startPostgres, type TestPostgres } from '../pg/server.mjs';
import { completed, entry, failed, fp, intent, submitted, upload } from './builders.js';

const missing = postgresMissing();
if (missing) console.warn(`store contract: skipping the PostgreSQL store: ${missing}`);

let server: TestPostgres | undefined;
beforeAll(async () => {
  if (!missing) server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

interface Kind {
  name: string;
  skip: boolean;
  /** Opens a store for the manifest; the same `shared` value means the same shared state. */
  open(manifest: string, shared: string): Promise<StateStore>;
  /** A shared state for a test. */
  fresh(): Promise<string>;
}

const kinds: Kind[] = [
  { name: 'file store', skip: false, open: (manifest) => openFileStore(manifest, { secrets: ['sk-secret-token-123'] }), fresh: async () => '' },
  {
    name: 'PostgreSQL store',
    skip: missing !== undefined,
    open: (manifest, url) => openPgStore(manifest, { url, secrets: ['sk-secret-token-123'], leaseMs: 2_000 }),
    fresh: () => server!.createDatabase(),
  },
];

/** Intents are written under the job's claim when the store is shared. */
async function append(store: StateStore, record: JournalRecord): Promise<void> {
  if (record.type === 'intent' && store.shared) expect((await store.shared.claim(record.job, record.fingerprint)).kind).toBe('mine');
  await store.append(record);
}

for (const kind of kinds) {
  describe.skipIf(kind.skip)(`store contract: ${kind.name}`, () => {
    let dir: string;
    let manifest: string;
    let shared: string;
    const opened: StateStore[] = [];
    const open = async () => {
      const store = await kind.open(manifest, shared);
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pixrender-contract-'));
      manifest = join(dir, 'show.yaml');
      await writeFile(manifest, 'jobs: {}\n');
      shared = await kind.fresh();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    });

    it('starts empty', async () => {
      const state = await (await open()).load();
      expect(state.lock.jobs).toEqual({});
      expect(state.pending.size).toBe(0);
      expect(state.uploads.size).toBe(0);
    });

    it('keeps an intent without its answer open across a restart: the outcome is unknown, never forgotten', async () => {
      const first = await open();
      await append(first, intent('intro', 'r1'));
      await first.close();
      const state = await (await open()).load();
      expect(state.pending.get('intro')).toMatchObject({ job: 'intro', replyRef: 'r1', fingerprint: fp(1) });
      expect(state.pending.get('intro')?.videoId).toBeUndefined();
    });

    it('intent → submitted → completed: the job leaves pending and its entry is in the lock', async () => {
      const store = await open();
      await append(store, intent('intro', 'r1'));
      await store.append(submitted('intro', 'r1', 'v-1'));
      expect((await store.load()).pending.get('intro')?.videoId).toBe('v-1');
      await store.append(completed('intro', entry(), 2, 'r1'));
      const state = await store.load();
      expect(state.pending.size).toBe(0);
      expect(state.lock.jobs.intro?.videoId).toBe('v-1');
      expect(state.claimedVideoIds?.has('v-1')).toBe(true);
    });

    it('records failures and uploads', async () => {
      const store = await open();
      await append(store, intent('intro', 'r1'));
      await store.append(failed('intro', 'moderated', 7));
      await store.append(upload('ab'.repeat(32), 'files/1.png'));
      const state = await store.load();
      expect(state.failed.get('intro')?.reason).toBe('moderated');
      expect(state.uploads.get('ab'.repeat(32))?.path).toBe('files/1.png');
    });

    it('compact writes completions into the lock file, which a fresh open reads back', async () => {
      const store = await open();
      await append(store, intent('intro', 'r1'));
      await store.append(completed('intro', entry(), 2, 'r1'));
      await store.compact();
      const lock = JSON.parse(await readFile(`${manifest}.lock`, 'utf8'));
      expect(lock.jobs.intro.sha256).toBe('ab'.repeat(32));
      await store.close();
      expect((await (await open()).load()).lock.jobs.intro?.videoId).toBe('v-1');
    });

    it('writeLock replaces the lock file', async () => {
      const store = await open();
      await store.writeLock({ version: 1, jobs: { outro: entry({ videoId: 'v-9' }) } });
      expect(JSON.parse(await readFile(`${manifest}.lock`, 'utf8')).jobs.outro.videoId).toBe('v-9');
    });

    it('refuses to write the API token and records that are not records', async () => {
      const store = await open();
      const leaky = { ...intent('intro', 'r1'), request: { prompt: 'sk-secret-token-123' } } as JournalRecord;
      await expect(append(store, leaky)).rejects.toSatisfy((e) => isStateError(e, 'secret'));
      await expect(store.append({ type: 'submitted', job: 'intro' } as unknown as JournalRecord)).rejects.toThrow(TypeError);
      expect((await store.load()).pending.size).toBe(0);
    });

    it('one run per checkout: a second open of the same manifest is refused while the first is open', async () => {
      await open();
      await expect(kind.open(manifest, shared)).rejects.toBeInstanceOf(StateBusyError);
    });

    it('refuses writes once closed', async () => {
      const store = await open();
      await store.close();
      await expect(store.append(upload('cd'.repeat(32), 'files/2.png'))).rejects.toSatisfy((e) => isStateError(e, 'closed'));
    });
  });
}
