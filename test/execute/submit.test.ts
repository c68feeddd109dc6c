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

const at = (ref: string, body: Record<string, unknown> = {}) => ({ replyRef: ref, body, intentAt: INTENT_AT });

describe('reconcile', () => {
  it('finds a running job by its replyRef in GET scheduler', async () => {
    const api = fakeApi({ getScheduler: async () => [{ videoId: 'user:1-pixverse:a@b-video:1', started: '', elapsed: '', replyRef: 'ref-1' }] });
    expect(await reconcile(api, at('ref-1'))).toEqual({ kind: 'found', videoId: 'user:1-pixverse:a@b-video:1' });
  });

  it('looks in GET videos of every account', async () => {
    const lists: Record<string, VideoObject[]> = {
      'a@x': [video({ video_id: 'other', prompt: 'lake', created_at: INTENT_AT })],
      'b@x': [video({ video_id: 'mine', prompt: 'boat', created_at: INTENT_AT })],
    };
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never, 'b@x': {} as never }),
      listVideos: async (o) => ({ data: (o?.offset ?? 0) > 0 ? [] : (lists[o?.email ?? ''] ?? []) }),
    });
    expect(await reconcile(api, at('ref-1', { prompt: 'boat' }))).toEqual({ kind: 'found', videoId: 'mine' });
    expect(await reconcile(api, at('ref-9', { prompt: 'river' }))).toEqual({ kind: 'absent' });
  });

  it('an echoed replyRef decides: a video with another replyRef is never this attempt\'s', async () => {
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async (o) => ({
        data: (o?.offset ?? 0) > 0 ? [] : [
          video({ video_id: 'theirs', prompt: 'boat', seed: 7, replyRef: 'ref-2', created_at: INTENT_AT }),
          video({ video_id: 'mine', prompt: 'other words', replyRef: 'ref-1', created_at: INTENT_AT }),
        ],
      }),
    });
    expect(await reconcile(api, at('ref-1', { prompt: 'boat', seed: 7 }))).toEqual({ kind: 'found', videoId: 'mine' });
    expect(await reconcile(api, at('ref-3', { prompt: 'boat', seed: 7 }))).toEqual({ kind: 'absent' });
  });

  it('matches by the request params where the API does not echo replyRef, never an older video', async () => {
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async (o) => ({
        data: (o?.offset ?? 0) > 0 ? [] : [
          video({ video_id: 'new-match', prompt: 'boat', seed: 7, created_at: '2026-11-24T10:00:02Z' }),
          video({ video_id: 'new-other-seed', prompt: 'boat', seed: 8, created_at: '2026-11-24T10:00:01Z' }),
          video({ video_id: 'old-same-prompt', prompt: 'boat', seed: 7, created_at: '2026-11-24T09:00:00Z' }),
        ],
      }),
    });
    expect(await reconcile(api, at('ref-1', { prompt: 'boat', seed: 7 }))).toEqual({ kind: 'found', videoId: 'new-match' });
    // Nothing in the request tells the two new ones apart: not a guess, an open question.
    expect(await reconcile(api, at('ref-1', { prompt: 'boat' }))).toEqual({ kind: 'ambiguous', candidates: ['new-match', 'new-other-seed'] });
  });

  it('another open attempt contests a match only when it matches as distinctly; a video that echoes nothing of a request is no candidate', async () => {
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async (o) => ({ data: (o?.offset ?? 0) > 0 ? [] : [video({ video_id: 'clip', prompt: 'boat', seed: 7, quality: '360p', created_at: INTENT_AT })] }),
    });
    const others = (bodies: Record<string, unknown>[]) => ({
      isClaimed: () => false,
      openAttempts: () => bodies.map((body, i) => ({ replyRef: `other-${i}`, body, intentAt: INTENT_AT })),
    });
    // An audio-only lipsync in flight (nothing of it echoed by a plain clip) and a job sharing only settings.
    const weak = others([{ video_id: 'src', audio_path: 'upload/a.mp3' }, { quality: '360p' }]);
    expect(await reconcile(api, at('ref-1', { prompt: 'boat', seed: 7 }), { claims: weak })).toEqual({ kind: 'found', videoId: 'clip' });
    const twin = others([{ prompt: 'boat', seed: 7 }]);
    expect((await reconcile(api, at('ref-1', { prompt: 'boat', seed: 7 }), { claims: twin })).kind).toBe('contested');
    expect(await reconcile(api, at('ref-1', { video_id: 'src', audio_path: 'upload/a.mp3' }))).toEqual({ kind: 'absent' });
  });

  it('pages back to the intent even when the API caps the page size below what was asked', async () => {
    const all = Array.from({ length: 250 }, (_, i) =>
      video({ video_id: `v${i}`, prompt: i === 230 ? 'mine' : `other ${i}`, created_at: new Date(Date.parse(INTENT_AT) + (i < 235 ? 250 - i : -3_600) * 1000).toISOString() }),
    );
    const asked: { limit?: number; offset?: number }[] = [];
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async (o) => {
        asked.push({ ...(o ?? {}) });
        const offset = o?.offset ?? 0;
        return { data: all.slice(offset, offset + Math.min(40, o?.limit ?? 40)) };
      },
    });
    expect(await reconcile(api, at('ref-1', { prompt: 'mine' }))).toEqual({ kind: 'found', videoId: 'v230' });
    // It stops at the first page that reaches back past the intent, not at the end of the account.
    expect(asked.map((a) => a.offset)).toEqual([0, 40, 80, 120, 160, 200]);
  });

  it('an API error while listing is not an answer: it throws, so nothing is resubmitted on a guess', async () => {
    const api = fakeApi({
      getScheduler: async () => [],
      getAccounts: async () => ({ 'a@x': {} as never }),
      listVideos: async (o) => {
        if ((o?.offset ?? 0) > 0) throw new ApiError({ kind: 'server', method: 'GET', endpoint: 'videos', status: 500 });
        return { data: [video({ video_id: 'x', prompt: 'other', created_at: '2026-11-24T10:00:05Z' })] };
      },
    });
    await expect(reconcile(api, at('ref-1', { prompt: 'mine' }))).rejects.toThrow();
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
