/** Set-up for executor tests that leave an attempt open as a killed run would, then render again. */
import { PixverseClient } from '../../src/api/client.js';
import { newReplyRef } from '../../src/execute/submit.js';
import type { PlannedJob } from '../../src/model.js';
import { planManifest } from '../../src/plan-inputs.js';
import { openFileStore } from '../../src/state/file-store.js';
import type { Rig } from '../render/helpers.js';

export function clientOf(rig: Rig): PixverseClient {
  return new PixverseClient({ baseUrl: rig.sim.url, token: rig.sim.token });
}

export async function plannedJobs(rig: Rig): Promise<Map<string, PlannedJob>> {
  const planned = await planManifest(rig.file, { backend: 'useapi' });
  if (!planned.ok) throw new Error('the test manifest does not plan');
  return new Map(planned.plan.jobs.map((j) => [j.id, j]));
}

/**
 * What a run killed between the POST and its answer leaves behind: an intent in the journal and, when
 * `accepted`, a job at the API made from the same request (with the same replyRef). Returns its video id.
 */
export async function openAttempt(rig: Rig, job: PlannedJob, options: { accepted: boolean; body?: Record<string, unknown> }): Promise<string | undefined> {
  const replyRef = newReplyRef(job.id, job.fingerprint);
  const store = await openFileStore(rig.file);
  const at = new Date().toISOString();
  const body = options.body ?? { ...job.job.params };
  try {
    await store.append({ type: 'intent', job: job.id, fingerprint: job.fingerprint, endpoint: job.endpoint, replyRef, credits: job.cost, offPeak: job.offPeak, at, request: body });
  } finally {
    await store.close();
  }
  if (!options.accepted) return undefined;
  const client = clientOf(rig);
  try {
    return (await client.generate(job.endpoint, { ...body, replyRef })).video_id;
  } finally {
    await client.close();
  }
}

/** Other videos on the account, newer than the open attempt (made on the website or by another tool). */
export async function otherVideos(rig: Rig, count: number, body: (i: number) => Record<string, unknown> = (i) => ({ prompt: `someone else's clip ${i}`, model: 'v4.5', quality: '360p', duration: 5 })): Promise<string[]> {
  const client = clientOf(rig);
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      ids.push((await client.generate('videos/create', body(i))).video_id);
      rig.sim.completeJobs();
    }
  } finally {
    await client.close();
  }
  return ids;
}
