/**
 * A failed job's reason in the static gallery: every render compacts the journal at its end, and the page is
 * written afterwards, so the reason must survive compaction (a refusal at submit and a failure while rendering).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGallery } from '../../src/gallery/write.js';
import { runManifest } from '../../src/pipeline.js';

const MANIFEST = `version: 1
name: fails
defaults: { quality: 360p, duration: 5 }
jobs:
  calm:
    prompt: A calm sea
  refused:
    prompt: A storm sim:reject
  moderated:
    prompt: A storm sim:moderate
`;

describe('failed jobs in the static gallery', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the API's reason after the run compacted its journal, and again after a second run", async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixrender-gallery-failed-'));
    const file = join(dir, 'fails.yaml');
    await writeFile(file, MANIFEST);
    for (let run = 1; run <= 2; run++) {
      const result = await runManifest(file, { mode: 'render', backend: 'sim', simTimeScale: 0.005 });
      expect(result.kind).toBe('ran');
      // Compacted: no completion is left in the journal.
      const journal = await readFile(join(dir, '.pixrender', 'fails.yaml.journal'), 'utf8');
      expect(journal).not.toContain('"completed"');
      const written = await writeGallery(file);
      if (!written.ok) throw new Error(written.message);
      const state = (id: string) => written.model.cards.get(id as never)!.state;
      expect(state('calm')).toEqual({ kind: 'cached' });
      expect(state('refused')).toEqual({ kind: 'failed', message: expect.stringMatching(/^moderated: .*rejected by content moderation/) });
      expect(state('moderated')).toEqual({ kind: 'failed', message: expect.stringMatching(/^moderated: .*status 7/) });
      const html = await readFile(written.index, 'utf8');
      expect(html).toMatch(/<p class="state st-failed">failed: moderated: Your prompt was rejected by content moderation/);
    }
  }, 90_000);
});
