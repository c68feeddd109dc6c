// Compaction of the shared journal at the end of a run: settled attempts go, the last completion per job
// and fingerprint stays for the other checkouts, open attempts stay, and deleted rows' videos stay claimed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/state/pg/pg-store.js';
import type { StateStore } from '../../src/state/store.js';
import { abandoned, completed, entry, fp, intent, submitted } from '../state/builders.js';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping the shared-journal compaction test: ${missing}`);

describe.skipIf(missing !== undefined)('compaction of the shared journal', () => {
  const fx = usePostgres('prune');

  async function checkout(name: string, url: string): Promise<StateStore> {
    const dir = join(fx.root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'show.yaml'), 'jobs: {}\n');
    return openPgStore(join(dir, 'show.yaml'), { url, scope: 'acme/show//show.yaml', leaseMs: 60_000 });
  }

  it('keeps open attempts and the last completion per job and fingerprint; the rest goes, its videos stay claimed', async () => {
    const url = await fx.server.createDatabase();
    const a = await checkout('a', url);
    const records = [
      // intro, version 1, rendered; then version 2 rendered twice (a forced re-render): v-2 is superseded.
      intent('intro', 'r1', 0, 1), submitted('intro', 'r1', 'v-1', 1, 1), completed('intro', entry({ fingerprint: fp(1), videoId: 'v-1' }), 2, 'r1'),
      intent('intro', 'r2', 3, 2), submitted('intro', 'r2', 'v-2', 4, 2), completed('intro', entry({ fingerprint: fp(2), videoId: 'v-2' }), 5, 'r2'),
      intent('intro', 'r3', 6, 2), submitted('intro', 'r3', 'v-3', 7, 2), completed('intro', entry({ fingerprint: fp(2), videoId: 'v-3' }), 8, 'r3'),
      // outro: submitted, then abandoned (kept aside by a later run): its video v-9 is paid for and someone's.
      intent('outro', 'r9', 0), submitted('outro', 'r9', 'v-9', 1), abandoned('outro', 'collected aside', 2, 'r9'),
      // credits: still open (another runner renders it right now).
      intent('credits', 'r5', 9), submitted('credits', 'r5', 'v-5', 10),
    ];
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    // Written as the runners that rendered them would have (intents need their claims: the rows directly).
    for (const r of records) {
      const job = r.type === 'upload' ? null : r.job;
      const print = r.type === 'upload' ? null : r.fingerprint;
      await db.query('INSERT INTO journal (scope, type, job, fingerprint, record) VALUES ($1, $2, $3, $4, $5)', ['acme/show//show.yaml', r.type, job, print, JSON.stringify(r)]);
    }
    const before = await a.load();
    await a.compact();
    try {
      const { rows } = await db.query<{ type: string; job: string; ref: string | null }>(`SELECT type, job, record->>'replyRef' AS ref FROM journal ORDER BY id`);
      expect(rows).toEqual([
        { type: 'completed', job: 'intro', ref: 'r1' },
        { type: 'completed', job: 'intro', ref: 'r3' },
        { type: 'intent', job: 'credits', ref: 'r5' },
        { type: 'submitted', job: 'credits', ref: 'r5' },
      ]);
    } finally {
      await db.end();
    }
    // Another checkout, later: the same lock, the same open attempt, every video still claimed.
    const b = await checkout('b', url);
    try {
      const after = await b.load();
      expect(after.lock.jobs).toEqual(before.lock.jobs);
      expect([...after.pending.values()].map((p) => p.replyRef)).toEqual(['r5']);
      expect(new Set(after.claimedVideoIds)).toEqual(new Set(['v-1', 'v-2', 'v-3', 'v-9', 'v-5']));
      const claim = await b.shared!.claim('outro', fp(1));
      expect(claim.kind === 'mine' && [...claim.claimedVideoIds].sort()).toEqual(['v-1', 'v-2', 'v-3', 'v-5', 'v-9']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
