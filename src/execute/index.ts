/**
 * The executor: runs a Plan against the API.
 *
 * Ready jobs (every input done) go through a p-queue whose concurrency is the accounts' total slots,
 * highest `remainingPathSeconds` first, so the critical path starts early. Each job: resolve inputs
 * (uploads) → submit (journaled, never twice: submit.ts) → wait (one shared poller) → download
 * (atomic) → journal + lock. Failures skip only their dependents. Jobs left rendering when the run
 * stops stay in the journal and are collected by a later run.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import PQueue from 'p-queue';
import { isApiError } from '../api/errors.js';
import { videoOutcome, type VideoObject } from '../api/protocol.js';
import { systemClock, type Clock } from '../clock.js';
import type { JobState, RunSummary } from '../events.js';
import type { JobId, LockEntry, PlannedJob } from '../model.js';
import { deferred, type Deferred } from './deferred.js';
import { InputResolver, type JobOutput } from './inputs.js';
import { Poller } from './poller.js';
import { submitOnce, type SubmitContext } from './submit.js';
import { collectAside, resumeAttempt, supersededAttempts, type AttemptContext } from './attempts.js';
import { startCallbackReceiver, type CallbackReceiver } from './callbacks.js';
import { LockWriter } from './lock-writer.js';
import { VideoClaims } from './claims.js';
import { DEFAULT_TUNING, type ExecuteOptions, type ExecuteResult, type Tuning } from './options.js';
import { runPostSteps } from './post.js';

interface JobRun {
  planned: PlannedJob;
  state: JobState;
  /** Resolves when the job's video is final at the API: enough for inputs that take its video_id. */
  video: Deferred<JobOutput>;
  /** Credits the API reported charging (cost_credits), when it did. */
  charged?: number;
  /** Resolves when its output is downloaded: needed for frames and post steps. */
  output: Deferred<JobOutput>;
  reason?: string;
}

export { DEFAULT_TUNING, type ExecuteOptions, type ExecuteResult, type Tuning } from './options.js';

export async function execute(options: ExecuteOptions): Promise<ExecuteResult> {
  return new Executor(options).run();
}

class Executor {
  private readonly clock: Clock;
  private readonly tuning: Tuning;
  private readonly runs = new Map<JobId, JobRun>();
  private readonly lock: LockWriter;
  private readonly queue: PQueue;
  private readonly downloads: PQueue;
  private readonly poller: Poller;
  private readonly inputs: InputResolver;
  private readonly submitCtx: SubmitContext;
  private readonly manifestDir: string;
  private readonly started: number;
  private creditsSpent = 0;
  private noCredits = false;
  private noWaitSlots = Infinity;
  private readonly tasks: Promise<void>[] = [];
  private readonly touched = new Set<JobId>();
  private readonly claims: VideoClaims;

  constructor(private readonly o: ExecuteOptions) {
    this.clock = o.clock ?? systemClock;
    this.tuning = { ...DEFAULT_TUNING, ...o.tuning };
    this.started = this.clock.now();
    this.manifestDir = dirname(o.manifest.file);
    this.lock = new LockWriter(o.store, o.snapshot.lock);
    this.claims = new VideoClaims([...Object.values(o.snapshot.lock.jobs).map((e) => e.videoId), ...(o.snapshot.claimedVideoIds ?? [])]);
    this.queue = new PQueue({ concurrency: Math.max(1, o.slots) });
    this.downloads = new PQueue({ concurrency: this.tuning.downloadConcurrency });
    const scaled = (ms: number) => Math.max(1, Math.round(ms * Math.min(1, o.timeScale)));
    this.poller = new Poller({
      api: o.api,
      clock: this.clock,
      minIntervalMs: scaled(this.tuning.minPollMs),
      maxIntervalMs: scaled(this.tuning.maxPollMs) * (o.callbacks ? 4 : 1),
      ...(o.callbacks ? { expectedFactor: 1.5 } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    });
    this.submitCtx = {
      api: o.api,
      store: o.store,
      clock: this.clock,
      busyBackoffMs: scaled(this.tuning.busyBackoffMs),
      busyBackoffMaxMs: scaled(this.tuning.busyBackoffMaxMs),
      maxUnknownOutcomes: this.tuning.maxUnknownOutcomes,
      claims: this.claims,
      reconcileAttempts: this.tuning.reconcileAttempts,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    };
    this.inputs = new InputResolver({
      api: o.api,
      store: o.store,
      knownUploads: new Map(o.reuseUploads ? recentUploads(o.snapshot, o.catalog.uploadReuseHours, this.clock.now()) : []),
      persistUploads: o.reuseUploads ?? false,
      ...(o.uploadEmail ? { uploadEmail: o.uploadEmail } : {}),
      retryDelayMs: scaled(this.tuning.busyBackoffMs) / 2,
      sleep: (ms) => this.clock.sleep(ms),
      workDir: join(this.manifestDir, '.pixrender', 'frames'),
      output: (job, needFile) => this.outputOf(job, needFile),
      now: () => this.nowIso(),
    });
  }

  async run(): Promise<ExecuteResult> {
    const { plan, onEvent } = this.o;
    onEvent?.({
      type: 'run-start',
      at: this.nowIso(),
      backend: this.o.backendName ?? '',
      jobs: plan.jobs.length,
      toRender: plan.totals.render,
      credits: plan.totals.credits,
      slots: this.o.slots,
    });
    if (this.o.noWait && this.o.mode === 'render') this.noWaitSlots = await this.freeSlots();
    if (this.o.callbacks && this.o.mode === 'render') {
      this.receiver = await startCallbackReceiver({ ...this.o.callbacks, onFinal: (id) => this.poller.notify(id) });
    }
    try {
      return await this.runJobs();
    } finally {
      await this.receiver?.close();
    }
  }

  private receiver: CallbackReceiver | undefined;

  private async runJobs(): Promise<ExecuteResult> {
    const { plan, onEvent } = this.o;
    for (const planned of plan.jobs) this.runs.set(planned.id, { planned, state: 'waiting', video: deferred(), output: deferred() });
    for (const run of this.runs.values()) this.tasks.push(this.runJob(run));
    const attempts = this.attemptContext();
    for (const pending of supersededAttempts(this.o.snapshot, this.runs)) this.tasks.push(collectAside(attempts, pending));
    await Promise.all(this.tasks);
    await this.queue.onIdle();
    if (!this.o.signal?.aborted && this.o.mode === 'render') {
      const post = await runPostSteps(this.o.manifest, this.runs, this.touched, this.o.onEvent, () => this.nowIso());
      for (const failure of post) this.failures.push(failure);
    }
    // Entries for jobs no longer in the manifest go: a renamed job is a new job.
    if (this.o.mode === 'render' && !this.o.noWait) this.lock.keepOnly(new Set(this.runs.keys()));
    await this.lock.flush();
    const summary = this.summary();
    onEvent?.({ type: 'run-end', at: this.nowIso(), summary });
    return { summary, lock: this.lock.current };
  }

  private readonly failures: { id: JobId; reason: string }[] = [];

  private async runJob(run: JobRun): Promise<void> {
    const { planned } = run;
    try {
      // Inputs first: a job starts only when every job it consumes is done.
      for (const dep of planned.dependsOn) {
        const depRun = this.runs.get(dep);
        if (!depRun) continue;
        try {
          // A video_id input can start as soon as the upstream video is final; frames need the file.
          await (this.needsFileOf(planned, dep) ? depRun.output.promise : depRun.video.promise);
        } catch {
          const stillRendering = depRun.state === 'pending' || depRun.reason?.startsWith('no free slot');
          return this.settle(run, 'skipped', `input ${dep} ${stillRendering ? 'is not finished yet' : 'did not finish'}`, !stillRendering);
        }
      }
      switch (planned.action) {
        case 'cached':
          return this.finishFromLock(run, 'cached');
        case 'download':
          return await this.restore(run);
        case 'render':
        case 'stale':
          return await this.render(run);
      }
    } catch (error) {
      this.settle(run, 'failed', error instanceof Error ? error.message : String(error));
    }
  }

  private attemptContext(): AttemptContext {
    return {
      ...this.submitCtx,
      queue: this.queue,
      poller: this.poller,
      manifestDir: this.manifestDir,
      firstLookMs: this.tuning.minPollMs * this.o.timeScale,
      maxWaitMs: this.o.catalog.timing.max_wait_off_peak_s * 1000 * this.o.timeScale,
      now: () => this.nowIso(),
      ...(this.o.onEvent ? { onEvent: this.o.onEvent } : {}),
      ...(this.o.onRequest ? { onRequest: this.o.onRequest } : {}),
    };
  }

  /** A lock entry whose output file is missing: download it again (never re-render). */
  private async restore(run: JobRun): Promise<void> {
    const entry = this.lock.current.jobs[run.planned.id]!;
    this.setState(run, 'downloading');
    let url = entry.url;
    const fresh = await this.o.api.getVideo(entry.videoId).catch(() => null);
    if (fresh?.url) url = fresh.url;
    try {
      await this.download(run, url, entry.size);
    } catch (error) {
      const lockName = `${this.o.manifest.file.split(sep).pop()}.lock`;
      const why = error instanceof Error ? error.message : String(error);
      return this.settle(run, 'failed', `cannot download its recorded output again (${why}); remove "${run.planned.id}" from ${lockName} to render it again`);
    }
    this.touched.add(run.planned.id);
    this.finishFromLock(run, 'done');
  }

  private finishFromLock(run: JobRun, state: 'cached' | 'done'): void {
    const entry = this.lock.current.jobs[run.planned.id]!;
    const out = { videoId: entry.videoId, file: this.absolute(entry.output), durationSeconds: outputDuration(entry.params) };
    run.video.resolve(out);
    run.output.resolve(out);
    this.setState(run, state, state === 'cached' ? { videoId: entry.videoId } : {});
  }

  private async render(run: JobRun): Promise<void> {
    const { planned } = run;
    const pending = this.o.snapshot.pending.get(planned.id);
    let videoId: string | undefined;
    if (pending && pending.fingerprint === planned.fingerprint) {
      const resumed = await resumeAttempt(this.attemptContext(), pending, planned.job.params);
      if (resumed.kind === 'unknown') {
        const settleHint = `settle it with \`pixrender status FILE --adopt ${planned.id}=VIDEO_ID\` or \`--abandon ${planned.id}\``;
        const seen = resumed.candidates.length > 0 ? `candidates: ${resumed.candidates.join(', ')}` : resumed.detail;
        return this.settle(run, 'failed', `unknown outcome of an earlier submit (${seen}); not submitted again; ${settleHint}`);
      }
      if (resumed.kind === 'video') videoId = resumed.videoId;
    }
    if (!videoId && this.o.mode === 'collect') return this.settle(run, 'skipped', 'not submitted yet (run `pixrender render`)', false);
    if (!videoId) {
      if (this.noCredits) return this.settle(run, 'skipped', 'credits ran out before it was submitted');
      if (this.o.signal?.aborted) return this.settle(run, 'skipped', 'interrupted before it was submitted', false);
      if (this.noWaitSlots <= 0) return this.settle(run, 'skipped', 'no free slot now; a later run submits it', false);
      this.setState(run, 'uploading');
      const fields = await this.inputs.resolve(planned.job.inputs);
      const body: Record<string, unknown> = { ...planned.job.params, ...fields };
      if (planned.offPeak) body.off_peak_mode = true;
      if (this.receiver) body.replyUrl = this.receiver.url;
      this.setState(run, 'queued');
      const video = await this.queue.add(() => this.submitAndWait(run, body), { priority: planned.remainingPathSeconds });
      return this.finish(run, video);
    }
    const resumedId = videoId;
    const video = await this.queue.add(() => this.waitFinal(run, resumedId), { priority: planned.remainingPathSeconds });
    return this.finish(run, video);
  }

  /** Downloads a completed video outside the generation slots, then records it. */
  private async finish(run: JobRun, video: VideoObject | undefined): Promise<void> {
    if (!video) return;
    this.setState(run, 'downloading', { videoId: video.video_id });
    run.video.resolve({ videoId: video.video_id, durationSeconds: video.video_duration ?? video.duration });
    try {
      await this.downloads.add(() => this.complete(run, video));
    } catch (error) {
      this.settle(run, 'failed', `download: ${error instanceof Error ? error.message : String(error)}`, true, video.video_id);
    }
  }

  private async submitAndWait(run: JobRun, body: Record<string, unknown>): Promise<VideoObject | undefined> {
    const { planned } = run;
    if (this.noCredits) return this.settle(run, 'skipped', 'credits ran out before it was submitted');
    if (this.o.signal?.aborted) return this.settle(run, 'skipped', 'interrupted before it was submitted', false);
    if (this.creditsSpent + planned.cost > this.o.plan.totals.credits) {
      return this.settle(run, 'skipped', `would spend more than the plan showed (${this.o.plan.totals.credits} credits)`);
    }
    this.setState(run, 'submitting');
    const result = await submitOnce(
      {
        ...this.submitCtx,
        onRetry: (reason, delayMs) => this.o.onEvent?.({ type: 'retry', at: this.nowIso(), id: planned.id, reason, delayMs }),
      },
      { id: planned.id, fingerprint: planned.fingerprint, endpoint: planned.endpoint, credits: planned.cost, offPeak: planned.offPeak },
      body,
    );
    switch (result.kind) {
      case 'stopped':
        return this.settle(run, 'skipped', 'interrupted before it was submitted', false);
      case 'no-credits':
        this.noCredits = true;
        return this.settle(run, 'skipped', `insufficient credits: ${result.error.apiMessage ?? result.error.message}`);
      case 'rejected':
        return this.settle(run, 'failed', `${result.error.kind}: ${result.error.apiMessage ?? result.error.message}`);
      case 'unknown': {
        const seen = result.candidates.length > 0 ? `candidates: ${result.candidates.join(', ')}` : result.detail;
        return this.settle(run, 'failed', `unknown outcome (${seen}); not submitted again; settle it with \`pixrender status FILE --adopt ${planned.id}=VIDEO_ID\` or \`--abandon ${planned.id}\``);
      }
      case 'submitted':
        this.creditsSpent += result.credits ?? planned.cost;
        if (result.credits !== undefined) run.charged = result.credits;
        this.noWaitSlots--;
        if (this.o.noWait) return this.settle(run, 'pending', `submitted as ${result.videoId}`, false, result.videoId);
        return this.waitFinal(run, result.videoId);
    }
  }

  /** Waits (holding a slot) until the job is final; returns the completed video, or undefined once settled otherwise. */
  private async waitFinal(run: JobRun, videoId: string): Promise<VideoObject | undefined> {
    const { planned } = run;
    const scale = this.o.timeScale;
    const t = this.o.catalog.timing;
    // The plan's expected seconds already include the off-peak wait.
    const expectedMs = planned.expectedSeconds * 1000 * scale;
    const maxWaitMs = (planned.offPeak ? t.max_wait_off_peak_s : t.max_wait_normal_s + planned.expectedSeconds) * 1000 * scale;
    this.setState(run, 'rendering', { videoId, etaSeconds: Math.round(expectedMs / 1000) });
    let video: VideoObject | 'timeout';
    try {
      video = await this.poller.watch(videoId, expectedMs, Math.max(maxWaitMs, expectedMs * 3));
    } catch (error) {
      return this.settle(run, 'failed', isApiError(error) ? `${error.kind}: ${error.apiMessage ?? error.message}` : String(error), true, videoId);
    }
    if (video === 'timeout') {
      return this.settle(run, 'pending', `still rendering (${videoId}); run \`pixrender status\` or render again to collect it`, false, videoId);
    }
    const outcome = videoOutcome(video);
    if (outcome !== 'completed') {
      const reason = `${outcome}${video.error ? `: ${video.error}` : ''} (status ${video.video_status})`;
      await this.o.store.append({ type: 'failed', job: planned.id, fingerprint: planned.fingerprint, reason, status: video.video_status, at: this.nowIso() });
      return this.settle(run, 'failed', reason, true, videoId);
    }
    return video;
  }

  private async complete(run: JobRun, video: VideoObject): Promise<void> {
    const { planned } = run;
    const { sha256, size } = await this.download(run, video.url!, undefined);
    const params = { ...planned.job.params };
    const entry: LockEntry = {
      fingerprint: planned.fingerprint,
      kind: planned.kind,
      endpoint: planned.endpoint,
      params,
      ...(typeof params.seed === 'number' ? { seed: params.seed } : {}),
      videoId: video.video_id,
      url: video.url!,
      output: toPosix(planned.job.output),
      sha256,
      size,
      credits: run.charged ?? planned.cost,
      offPeak: planned.offPeak,
      ...(this.o.backendKind ? { backend: this.o.backendKind } : {}),
      submittedAt: video.created_at ?? this.nowIso(),
      completedAt: this.nowIso(),
    };
    await this.o.store.append({ type: 'completed', job: planned.id, fingerprint: planned.fingerprint, entry, at: this.nowIso() });
    this.lock.set(planned.id, entry);
    this.touched.add(planned.id);
    run.output.resolve({ videoId: video.video_id, file: this.absolute(entry.output), durationSeconds: video.video_duration ?? video.duration });
    this.setState(run, 'done', { videoId: video.video_id });
  }

  /** A finished render is paid for: a failed or truncated download is retried, never re-rendered. */
  private async download(run: JobRun, url: string, expectedSize: number | undefined) {
    const dest = this.absolute(run.planned.job.output);
    await mkdir(dirname(dest), { recursive: true });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.o.api.download(url, dest, { ...(expectedSize !== undefined ? { expectedSize } : {}) });
      } catch (error) {
        const retryable = isApiError(error, ['network', 'timeout', 'server']);
        if (!retryable || attempt >= this.tuning.downloadAttempts) throw error;
        const delayMs = Math.min(this.submitCtx.busyBackoffMaxMs, Math.round(this.submitCtx.busyBackoffMs * attempt));
        this.o.onEvent?.({ type: 'retry', at: this.nowIso(), id: run.planned.id, reason: `download: ${(error as Error).message}`, delayMs });
        await this.clock.sleep(delayMs);
      }
    }
  }

  private async freeSlots(): Promise<number> {
    try {
      const available = await this.o.api.getSchedulerAvailable();
      return available.available.reduce((sum, a) => sum + a.available, 0);
    } catch {
      return this.o.slots;
    }
  }

  private needsFileOf(planned: PlannedJob, dep: JobId): boolean {
    return Object.values(planned.job.inputs).some((ref) => ref.type === 'job-frame' && ref.job === dep);
  }

  private async outputOf(job: JobId, needFile: boolean): Promise<JobOutput> {
    const run = this.runs.get(job);
    if (run) return needFile ? run.output.promise : run.video.promise;
    const entry = this.lock.current.jobs[job];
    if (!entry) throw new Error(`no output for ${job}`);
    const file = this.absolute(entry.output);
    if (needFile) await stat(file);
    return { videoId: entry.videoId, file };
  }

  private settle(run: JobRun, state: JobState, reason: string, isFailure = state === 'failed' || state === 'skipped', videoId?: string): undefined {
    run.reason = reason;
    if (isFailure) this.failures.push({ id: run.planned.id, reason });
    run.video.reject(new Error(reason));
    run.output.reject(new Error(reason));
    this.setState(run, state, { message: reason, ...(videoId ? { videoId } : {}) });
    return undefined;
  }

  private setState(run: JobRun, state: JobState, extra: { videoId?: string; message?: string; etaSeconds?: number } = {}): void {
    run.state = state;
    this.o.onEvent?.({ type: 'job', at: this.nowIso(), id: run.planned.id, state, action: run.planned.action, credits: run.planned.cost, ...extra });
  }

  private summary(): RunSummary {
    const count = (s: JobState) => [...this.runs.values()].filter((r) => r.state === s).length;
    const interrupted = this.o.signal?.aborted;
    return {
      done: count('done') - [...this.runs.values()].filter((r) => r.state === 'done' && r.planned.action === 'download').length,
      cached: count('cached'),
      downloaded: [...this.runs.values()].filter((r) => r.state === 'done' && r.planned.action === 'download').length,
      failed: count('failed'),
      skipped: count('skipped'),
      pending: count('pending'),
      creditsSpent: this.creditsSpent,
      creditsPlanned: this.o.plan.totals.credits,
      ...(interrupted ? { stopReason: 'interrupted' as const } : this.noCredits ? { stopReason: 'insufficient-credits' as const } : {}),
      failures: this.failures,
      elapsedSeconds: (this.clock.now() - this.started) / 1000,
    };
  }

  private absolute(output: string): string {
    return join(this.manifestDir, output);
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** Uploads of earlier runs young enough to reuse (the API keeps uploaded files for a limited time). */
function recentUploads(snapshot: ExecuteOptions['snapshot'], hours: number, now: number): [string, string][] {
  const oldest = now - hours * 3_600_000;
  return [...snapshot.uploads].flatMap(([sha, u]) => (u.at && Date.parse(u.at) >= oldest ? [[sha, u.path] as [string, string]] : []));
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function outputDuration(params: Record<string, unknown>): number | undefined {
  return typeof params.duration === 'number' ? params.duration : undefined;
}

