/**
 * The executor: runs a Plan against the API.
 *
 * Ready jobs (every input done) go through a p-queue whose concurrency is the accounts' total slots,
 * highest `remainingPathSeconds` first, so the critical path starts early. Each job: resolve inputs
 * (uploads) → reserve credits (budget.ts) → submit (journaled, never twice: submit.ts) → wait (one
 * shared poller) → download (downloads.ts) → journal + lock. Failures skip only their dependents. Jobs
 * left rendering when the run stops stay in the journal and are collected by a later run.
 *
 * Parts: registry.ts (job states, outcomes, summary), render-job.ts (the render path), restore.ts
 * (cached and missing outputs), downloads.ts, attempts.ts (attempts left open by earlier runs).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import PQueue from 'p-queue';
import { systemClock } from '../clock.js';
import type { JobId, PlannedJob } from '../model.js';
import { collectAside, supersededAttempts, type AttemptContext } from './attempts.js';
import { AccountHealth, brokenAccountMessage } from './account-health.js';
import { BudgetGuard } from './budget.js';
import { startCallbackReceiver, type CallbackReceiver } from './callbacks.js';
import { VideoClaims } from './claims.js';
import type { RunContext, RunGate } from './context.js';
import { Downloads } from './downloads.js';
import { InputResolver, type JobOutput, LocalInputError } from './inputs.js';
import { LockWriter } from './lock-writer.js';
import { DEFAULT_TUNING, MIN_POLL_FLOOR_MS, type ExecuteOptions, type ExecuteResult } from './options.js';
import { outcomeOfError, stillOnItsWay } from './outcome.js';
import { Poller } from './poller.js';
import { runPostSteps } from './post.js';
import { RunRegistry, type JobRun } from './registry.js';
import { JobRenderer } from './render-job.js';
import { finishFromLock, restore } from './restore.js';
import type { SchedulerLook } from '../state/shared.js';
import type { SubmitContext } from './submit.js';

export { DEFAULT_TUNING, type ExecuteOptions, type ExecuteResult, type Tuning } from './options.js';

export async function execute(options: ExecuteOptions): Promise<ExecuteResult> {
  const executor = new Executor(options);
  return executor.run();
}

class Executor {
  private readonly c: RunContext;
  private readonly started: number;
  private readonly downloads: Downloads;
  private readonly renderer: JobRenderer;
  private receiver: CallbackReceiver | undefined;

  constructor(private readonly o: ExecuteOptions) {
    const clock = o.clock ?? systemClock;
    const tuning = { ...DEFAULT_TUNING, ...o.tuning };
    this.started = clock.now();
    const manifestDir = dirname(o.manifest.file);
    const nowIso = () => new Date(clock.now()).toISOString();
    const absolute = (output: string) => join(manifestDir, output);
    const scaled = (ms: number) => Math.max(1, Math.round(ms * Math.min(1, o.timeScale)));
    const lock = new LockWriter(o.store, o.snapshot.lock);
    const claims = new VideoClaims([...Object.values(o.snapshot.lock.jobs).map((e) => e.videoId), ...(o.snapshot.claimedVideoIds ?? [])]);
    const limit = Math.min(o.plan.totals.credits, o.manifest.budgetCredits ?? Infinity);
    const queue = new PQueue({ concurrency: Math.max(1, o.slots) });
    const poller = new Poller({
      api: o.api,
      clock,
      minIntervalMs: scaled(Math.max(MIN_POLL_FLOOR_MS, tuning.minPollMs)),
      maxIntervalMs: scaled(tuning.maxPollMs) * (o.callbacks ? 4 : 1),
      ...(o.callbacks ? { expectedFactor: 1.5 } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRequest ? { onRequest: o.onRequest } : {}),
      ...(o.store.shared ? { onLook: (look: SchedulerLook) => o.store.shared?.publishLook(look) } : {}),
    });
    // Runners sharing a store poll out of phase: each one's scheduler answer confirms the others' jobs sooner.
    o.store.shared?.onLook((look) => poller.heard(look));
    const health = new AccountHealth(o.accounts ?? (o.uploadEmail ? [o.uploadEmail] : []), (email) =>
      o.onEvent?.({ type: 'warning', at: nowIso(), message: brokenAccountMessage(email) }),
    );
    const submit: SubmitContext = {
      api: o.api,
      health,
      store: o.store,
      clock,
      busyBackoffMs: scaled(tuning.busyBackoffMs),
      busyBackoffMaxMs: scaled(tuning.busyBackoffMaxMs),
      maxUnknownOutcomes: tuning.maxUnknownOutcomes,
      reconcileAttempts: tuning.reconcileAttempts,
      claims,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    };
    const attempts: AttemptContext = {
      ...submit,
      queue,
      poller,
      manifestDir,
      asidePath: o.layout.asidePath,
      firstLookMs: tuning.minPollMs * o.timeScale,
      maxWaitMs: o.catalog.timing.max_wait_off_peak_s * 1000 * o.timeScale,
      now: nowIso,
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    };
    const gate: RunGate = { noCredits: false, noWaitSlots: Infinity };
    const inputs = new InputResolver({
      api: o.api,
      store: o.store,
      knownUploads: new Map(o.reuseUploads ? recentUploads(o.snapshot, o.catalog.uploadReuseHours, clock.now()) : []),
      persistUploads: o.reuseUploads ?? false,
      ...(o.uploadEmail ? { uploadEmail: () => health.uploadAccount(o.uploadEmail), health } : {}),
      retryDelayMs: scaled(tuning.busyBackoffMs) / 2,
      sleep: (ms) => clock.sleep(ms),
      workDir: o.layout.framesDir,
      output: (job, needFile) => this.outputOf(job, needFile),
      now: nowIso,
    });
    this.c = {
      o,
      clock,
      tuning,
      registry: new RunRegistry(o.onEvent, nowIso, `pixrender status ${basename(o.manifest.file)}`),
      lock,
      queue,
      downloadQueue: new PQueue({ concurrency: tuning.downloadConcurrency }),
      poller,
      inputs,
      submit,
      attempts,
      claims,
      budget: new BudgetGuard(limit),
      touched: new Set<JobId>(),
      manifestDir,
      gate,
      nowIso,
      absolute,
    };
    this.downloads = new Downloads(this.c);
    this.renderer = new JobRenderer(this.c, this.downloads);
  }

  async run(): Promise<ExecuteResult> {
    const { plan, onEvent, mode } = this.o;
    onEvent?.({ type: 'run-start', at: this.c.nowIso(), backend: this.o.backendName ?? '', jobs: plan.jobs.length, toRender: plan.totals.render, credits: plan.totals.credits, slots: this.o.slots });
    if (this.o.noWait && mode === 'render') this.c.gate.noWaitSlots = await this.freeSlots();
    if (this.o.callbacks && mode === 'render') {
      this.receiver = await startCallbackReceiver({ ...this.o.callbacks, onFinal: (id) => this.c.poller.notify(id) });
      this.c.gate.replyUrl = this.receiver.url;
    }
    try {
      return await this.runJobs();
    } finally {
      await this.receiver?.close();
    }
  }

  private async runJobs(): Promise<ExecuteResult> {
    const { registry, lock } = this.c;
    for (const planned of this.o.plan.jobs) registry.add(planned);
    const tasks = [...registry.runs.values()].map((run) => this.runJob(run));
    for (const pending of supersededAttempts(this.o.snapshot, registry.runs, { shared: this.o.store.shared !== undefined })) {
      const duplicate = registry.runs.get(pending.job as JobId)?.planned.fingerprint === pending.fingerprint;
      tasks.push(collectAside(this.c.attempts, pending, duplicate));
    }
    await Promise.all(tasks);
    await this.c.queue.onIdle();
    if (!this.o.signal?.aborted && this.o.mode === 'render') {
      const post = await runPostSteps(this.o.manifest, registry.runs, this.c.touched, this.o.onEvent, this.c.nowIso);
      for (const failure of post) registry.addFailure({ ...failure, outcome: { kind: 'local-failed', message: failure.reason } });
    }
    // Entries for jobs no longer in the manifest go: a renamed job is a new job.
    if (this.o.mode === 'render' && !this.o.noWait && !this.o.partial) lock.keepOnly(new Set(registry.runs.keys()));
    await lock.flush();
    const summary = registry.summary({
      started: this.started,
      now: this.c.clock.now(),
      creditsSpent: this.c.budget.spent,
      creditsPlanned: this.o.plan.totals.credits,
      ...this.stopReason(),
    });
    this.o.onEvent?.({ type: 'run-end', at: this.c.nowIso(), summary });
    return { summary, lock: lock.current };
  }

  private stopReason(): { stopReason?: 'interrupted' | 'insufficient-credits' | 'budget' } {
    if (this.o.signal?.aborted) return { stopReason: 'interrupted' };
    if (this.c.gate.noCredits) return { stopReason: 'insufficient-credits' };
    if (this.c.budget.refused) return { stopReason: 'budget' };
    return {};
  }

  private async runJob(run: JobRun): Promise<void> {
    const { planned } = run;
    const { registry } = this.c;
    try {
      // Inputs first: a job starts only when every job it consumes is done.
      for (const dep of planned.dependsOn) {
        const depRun = registry.runs.get(dep);
        if (!depRun) continue;
        try {
          // A video_id input can start as soon as the upstream video is final; frames need the file.
          await (this.needsFileOf(planned, dep) ? depRun.output.promise : depRun.video.promise);
        } catch {
          const stillRendering = stillOnItsWay(depRun);
          return registry.settle(run, { kind: 'input-failed', input: dep, stillRendering });
        }
      }
      switch (planned.action) {
        case 'cached':
          return finishFromLock(this.c, run, 'cached');
        case 'download':
          return await restore(this.c, this.downloads, run);
        case 'render':
        case 'stale':
          return await this.renderer.render(run);
      }
    } catch (error) {
      registry.settle(run, outcomeOfError(error));
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
    const run = this.c.registry.runs.get(job);
    if (run) return needFile ? run.output.promise : run.video.promise;
    const entry = Object.hasOwn(this.c.lock.current.jobs, job) ? this.c.lock.current.jobs[job] : undefined;
    if (!entry) throw new LocalInputError(`no output for ${job}`);
    const file = this.c.absolute(entry.output);
    if (needFile) await stat(file);
    return { videoId: entry.videoId, file };
  }
}

/** Uploads of earlier runs young enough to reuse (the API keeps uploaded files for a limited time). */
function recentUploads(snapshot: ExecuteOptions['snapshot'], hours: number, now: number): [string, string][] {
  const oldest = now - hours * 3_600_000;
  return [...snapshot.uploads].flatMap(([sha, u]) => (u.at && Date.parse(u.at) >= oldest ? [[sha, u.path] as [string, string]] : []));
}
