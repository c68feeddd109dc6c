/** Builders for state tests: small valid records and lock entries with only the interesting fields named. */
import { fingerprint, jobId, type LockEntry } from '../../src/model.js';
import type { JournalRecord } from '../../src/state/store.js';

export const fp = (n: number | string) => fingerprint(String(n).padStart(64, '0'));

export function entry(overrides: Partial<LockEntry> = {}): LockEntry {
  return {
    fingerprint: fp(1),
    kind: 'create',
    endpoint: 'videos/create',
    params: { prompt: 'a cat', model: 'v4.5', quality: '540p', duration: 5 },
    seed: 7,
    videoId: 'v-1',
    url: 'https://media.example/v-1.mp4',
    output: 'renders/intro.mp4',
    sha256: 'ab'.repeat(32),
    size: 1234,
    credits: 45,
    offPeak: false,
    submittedAt: '2025-01-01T00:00:00.000Z',
    completedAt: '2025-01-01T00:01:00.000Z',
    ...overrides,
  };
}

const at = (minute: number) => `2025-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

export const intent = (job: string, replyRef: string, minute = 0, fpValue: number | string = 1): JournalRecord => ({
  type: 'intent',
  job: jobId(job),
  fingerprint: fp(fpValue),
  endpoint: 'videos/create',
  replyRef,
  credits: 45,
  offPeak: true,
  at: at(minute),
});

export const submitted = (job: string, replyRef: string, videoId: string, minute = 1, fpValue: number | string = 1): JournalRecord => ({
  type: 'submitted',
  job: jobId(job),
  fingerprint: fp(fpValue),
  videoId,
  replyRef,
  at: at(minute),
});

export const completed = (job: string, lockEntry: LockEntry, minute = 2, replyRef?: string): JournalRecord => ({
  type: 'completed',
  job: jobId(job),
  fingerprint: lockEntry.fingerprint,
  entry: lockEntry,
  ...(replyRef ? { replyRef } : {}),
  at: at(minute),
});

export const failed = (job: string, reason: string, minute = 2, status?: number, fpValue: number | string = 1): JournalRecord => ({
  type: 'failed',
  job: jobId(job),
  fingerprint: fp(fpValue),
  reason,
  ...(status !== undefined ? { status } : {}),
  at: at(minute),
});

export const abandoned = (job: string, reason: string, minute = 1, replyRef?: string, fpValue: number | string = 1): JournalRecord => ({
  type: 'abandoned',
  job: jobId(job),
  fingerprint: fp(fpValue),
  reason,
  ...(replyRef ? { replyRef } : {}),
  at: at(minute),
});

export const upload = (sha256: string, path: string, minute = 0): JournalRecord => ({ type: 'upload', sha256, path, at: at(minute) });
