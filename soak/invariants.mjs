// The three promises, checked after a seed: nothing submitted twice, no finished render lost or
// corrupt, nothing spent that the plan did not show; plus nothing written outside the project.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The job id a pixrender replyRef names: `pixrender:<id>@<16 hex>#…`. */
export function jobOfReplyRef(replyRef) {
  return /^pixrender:(.*)@[0-9a-f]{16}#/.exec(replyRef ?? '')?.[1];
}

/**
 * Returns a list of { invariant, detail }. `plan` is the first `plan --json`; `stats` the simulator's
 * stats with faults cleared; `project` the manifest's folder; `manifestFile` its path.
 */
export async function checkInvariants({ plan, stats, project, manifestFile, postOutputs }) {
  const violations = [];
  const fail = (invariant, detail) => violations.push({ invariant, detail });
  const planned = new Map(plan.jobs.map((j) => [j.id, j]));

  // 1. Each job submitted exactly once.
  const submitted = new Map();
  for (const job of stats.jobs) {
    const id = jobOfReplyRef(job.replyRef);
    if (id === undefined || !planned.has(id)) {
      fail('unplanned-submission', `${job.endpoint} ${job.video_id} with replyRef ${JSON.stringify(job.replyRef ?? null)} is no job of the plan`);
      continue;
    }
    submitted.set(id, [...(submitted.get(id) ?? []), job]);
  }
  for (const [id, jobs] of submitted) {
    if (jobs.length > 1) fail('duplicate-submission', `${id} accepted ${jobs.length} times: ${jobs.map((j) => j.video_id.split('-video:')[1]).join(', ')}`);
  }

  // 2. Every output whole: on disk, equal to its lock entry, equal to what the API serves.
  let lock = { jobs: {} };
  try {
    lock = JSON.parse(await readFile(`${manifestFile}.lock`, 'utf8'));
  } catch (error) {
    fail('lost-output', `the lock file cannot be read: ${error.message}`);
  }
  for (const id of planned.keys()) {
    const entry = lock.jobs[id];
    if (!entry) {
      fail('lost-output', `${id} has no lock entry`);
      continue;
    }
    let bytes;
    try {
      bytes = await readFile(join(project, entry.output));
    } catch {
      fail('lost-output', `${id}: ${entry.output} is missing`);
      continue;
    }
    if (bytes.length !== entry.size || sha256(bytes) !== entry.sha256) {
      fail('corrupt-output', `${id}: ${entry.output} is ${bytes.length} bytes sha256 ${sha256(bytes).slice(0, 12)}, the lock says ${entry.size} bytes ${entry.sha256.slice(0, 12)}`);
      continue;
    }
    const accepted = submitted.get(id) ?? [];
    if (!accepted.some((j) => j.video_id === entry.videoId)) fail('corrupt-output', `${id}: the lock names ${entry.videoId}, which the API never accepted for this job`);
    const served = await fetchBytes(entry.url);
    if (served === undefined) fail('corrupt-output', `${id}: ${entry.url} cannot be downloaded to compare`);
    else if (sha256(served) !== entry.sha256) fail('corrupt-output', `${id}: ${entry.output} (${bytes.length} bytes) differs from the served video (${served.length} bytes)`);
  }
  for (const output of postOutputs) {
    const size = await readFile(join(project, output)).then((b) => b.length, () => -1);
    if (size <= 0) fail('lost-output', `post output ${output} is ${size < 0 ? 'missing' : 'empty'}`);
  }

  // 3. Credits charged equal the plan's.
  // The one planned-above-charged case allowed: a lipsync over an audio file. Its price rule is an
  // assumption, so the plan counts the longer of video and audio while the simulator counts the video.
  const planCredits = plan.totals.credits;
  if (stats.creditsSpent !== planCredits) {
    const perJob = [];
    let unexplained = stats.creditsSpent > planCredits;
    for (const [id, j] of planned) {
      const spent = (submitted.get(id) ?? []).reduce((sum, s) => sum + s.credits, 0);
      if (spent === j.credits) continue;
      perJob.push(`${id}: planned ${j.credits}, charged ${spent}`);
      if (spent > j.credits || !(j.kind === 'lipsync' && spent > 0)) unexplained = true;
    }
    if (unexplained) fail(stats.creditsSpent > planCredits ? 'overspend' : 'credits-mismatch', `charged ${stats.creditsSpent}, plan showed ${planCredits}${perJob.length ? ` (${perJob.join('; ')})` : ''}`);
  }
  return violations;
}

async function fetchBytes(url) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(url);
      if (res.ok) return Buffer.from(await res.arrayBuffer());
    } catch {
      /* try again */
    }
  }
  return undefined;
}

/** Files in the project that are none of: manifest, lock, assets, state, recorded outputs, post outputs. */
export async function strayFiles(project, manifestName, lock, postOutputs) {
  // .pixrenderrc.json: the project config the seed writes (it points plan at the simulator).
  const known = new Set([manifestName, `${manifestName}.lock`, '.pixrenderrc.json', ...Object.values(lock.jobs ?? {}).map((e) => e.output), ...postOutputs]);
  const stray = [];
  const walk = async (dir, rel) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && (e.name === 'assets' || e.name === '.pixrender' || e.name === 'lost+found')) continue;
      if (e.isDirectory()) await walk(join(dir, e.name), path);
      // The claims file names which manifest owns each output in its folder (src/state/output-claim.ts).
      else if (!known.has(path) && e.name !== '.pixrender-claims.json') stray.push(path);
    }
  };
  await walk(project, '');
  return stray;
}
