/** Unit tests of submission and reconciliation with a fake API (one module, no HTTP). */
import { describe, expect, it } from 'vitest';
import type { PixverseApi } from '../../src/api/api.js';
import { ApiError } from '../../src/api/errors.js';
import type { VideoObject } from '../../src/api/protocol.js';
import type { Clock } from '../../src/clock.js';
import { reconcile, submitOnce, type SubmitContext } from '../../src/execute/submit.js';
import { fingerprint, jobId } from '../../src/model.js';
import type { JournalRecord, StateStore } from '../../src/state/store.js';

const INTENT_AT = '2026-11-24T10:00:00.000Z';

function fakeApi(overrides: Partial<PixverseApi>): PixverseApi {
  return new Proxy(overrides as PixverseApi, {
    get: (target, key) => (key in target ? target[key as keyof PixverseApi] : () => Promise.reject(new Error(`unexpected call ${String(key)}`))),
  });
}

const video = (v: Partial<VideoObject>): VideoObject => ({ video_id: 'v', video_status: 1, ...v });

describe('reconcile', () => {
  it('finds a running job by its replyRef in GET scheduler', async () => {
    const api = fakeApi({ getScheduler: async () => [{ videoId: 'user:1-pixverse:a@b-video:1', started: '', elapsed: '', replyRef: 'ref-1' }] });
    expect(await reconcile(api, 'ref-1', {}, INTENT_AT)).toBe('user:1-pixverse:a@b-video:1');
  });

  it('finds a finished job in GET videos of every account, by replyRef when echoed', async () => {
    const lists: Record<string, VideoObject[]> = {
      'a@x': [video({ video_id: 'other', replyRef: 'ref-2' })],
      'b@x': [video({ video_id: 'mine', replyRef: 'ref-1' })],
    };
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never, 'b@x': {} as never }),
      listVideos: async (o) => ({ data: lists[o?.email ?? ''] ?? [] }),
    });
    expect(await reconcile(api, 'ref-1', {}, INTENT_AT)).toBe('mine');
    expect(await reconcile(api, 'ref-9', {}, INTENT_AT)).toBeNull();
  });

  it('matches by the request params where the API does not echo replyRef, never an older video', async () => {
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async () => ({
        data: [
          video({ video_id: 'old-same-prompt', prompt: 'boat', seed: 7, created_at: '2026-11-24T09:00:00Z' }),
          video({ video_id: 'new-other-seed', prompt: 'boat', seed: 8, created_at: '2026-11-24T10:00:01Z' }),
          video({ video_id: 'new-match', prompt: 'boat', seed: 7, created_at: '2026-11-24T10:00:02Z' }),
        ],
      }),
    });
    expect(await reconcile(api, 'ref-1', { prompt: 'boat', seed: 7 }, INTENT_AT)).toBe('new-match');
    expect(await reconcile(api, 'ref-1', {}, INTENT_AT)).toBeNull();
  });
});

describe('submitOnce', () => {
  const clock: Clock = { now: () => Date.parse(INTENT_AT), sleep: async () => {} };
  const job = { id: jobId('a'), fingerprint: fingerprint('f'.repeat(64)), endpoint: 'videos/create', credits: 30, offPeak: false };
  function context(api: PixverseApi, journal: JournalRecord[]): SubmitContext {
    const store = { append: async (r: JournalRecord) => void journal.push(r) } as unknown as StateStore;
    return { api, store, clock, busyBackoffMs: 10, busyBackoffMaxMs: 40, maxUnknownOutcomes: 3, random: () => 0.5 };
  }
  const busy = () => new ApiError({ kind: 'busy', method: 'POST', endpoint: 'videos/create', status: 429 });

  it('resubmits after 429s and journals every attempt', async () => {
    let calls = 0;
    const journal: JournalRecord[] = [];
    const api = fakeApi({ generate: async () => (++calls < 3 ? Promise.reject(busy()) : { video_id: 'v1' }) });
    const result = await submitOnce(context(api, journal), job, { prompt: 'x' });
    expect(result).toMatchObject({ kind: 'submitted', videoId: 'v1' });
    expect(journal.map((r) => r.type)).toEqual(['intent', 'abandoned', 'intent', 'abandoned', 'intent', 'submitted']);
  });

  it('never posts again when the lost answer belongs to an accepted job', async () => {
    let posts = 0;
    const journal: JournalRecord[] = [];
    let sentRef = '';
    const api = fakeApi({
      generate: async (_e, body) => {
        posts++;
        sentRef = String(body.replyRef);
        throw new ApiError({ kind: 'network', method: 'POST', endpoint: 'videos/create', outcomeUnknown: true });
      },
      getScheduler: async () => [{ videoId: 'accepted', started: '', elapsed: '', replyRef: sentRef }],
    });
    const result = await submitOnce(context(api, journal), job, { prompt: 'x' });
    expect(result).toMatchObject({ kind: 'submitted', videoId: 'accepted' });
    expect(posts).toBe(1);
    expect(journal.map((r) => r.type)).toEqual(['intent', 'submitted']);
  });

  it('stops at 412 and fails at 400 without retrying', async () => {
    for (const [kind, expected] of [['insufficient-credits', 'no-credits'], ['bad-request', 'rejected'], ['moderated', 'rejected']] as const) {
      let posts = 0;
      const api = fakeApi({ generate: async () => (posts++, Promise.reject(new ApiError({ kind, method: 'POST', endpoint: 'videos/create' }))) });
      expect((await submitOnce(context(api, []), job, {})).kind).toBe(expected);
      expect(posts).toBe(1);
    }
  });
});
