/**
 * Turns a job's run-time inputs (InputRef) into request fields: local assets and job-output frames
 * are uploaded once per content hash (also across runs, through the state store), and job videos
 * become their video_id.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PixverseApi } from '../api/api.js';
import { ownerOf, type AccountHealth } from './account-health.js';
import { isApiError } from '../api/errors.js';
import { UPLOAD_CONTENT_TYPES } from '../api/protocol.js';
import { extractFrame, sha256File } from '../media.js';
import type { InputRef, JobId } from '../model.js';
import type { StateStore } from '../state/store.js';

/** What a finished upstream job offers to its dependents. */
export interface JobOutput {
  videoId: string;
  /** Absolute path of the downloaded file; absent until the download finished. */
  file?: string;
  durationSeconds?: number;
}

export interface InputContext {
  api: PixverseApi;
  store: StateStore;
  /** Uploads known from earlier runs on this backend: content sha256 → path. */
  knownUploads: Map<string, string>;
  /** Whether uploads are journaled for later runs (not for a simulator whose uploads vanish with it). */
  persistUploads: boolean;
  /** POST files needs an account when several are configured; an upload is usable from any of them. */
  uploadEmail?: string | (() => string | undefined);
  /** Marks accounts that answer 596, so uploads move to a healthy one. */
  health?: AccountHealth;
  retryDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** Scratch directory for extracted frames. */
  workDir: string;
  /** Finds an upstream job's output; waits for its download when a file is needed. */
  output(job: JobId, needFile: boolean): Promise<JobOutput>;
  now(): string;
}

/** A local input that cannot be used (a missing upstream output, an unsupported file type). */
export class LocalInputError extends Error {
  override name = 'LocalInputError';
}

export class InputResolver {
  private readonly inFlight = new Map<string, Promise<string>>();
  constructor(private readonly ctx: InputContext) {}

  /** Resolves every run-time field of one job. */
  async resolve(inputs: Record<string, InputRef>): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(inputs).map(async ([field, ref]) => [field, await this.resolveOne(ref)] as const),
    );
    return Object.fromEntries(entries);
  }

  /**
   * The account a job's POST must go to, when its source video decides it (a `video_id` from another job:
   * the API uses the account inside that id), so a shared store takes the job's slot on that account.
   */
  async sourceAccount(inputs: Record<string, InputRef>): Promise<string | undefined> {
    const ref = inputs.video_id;
    if (ref?.type !== 'job-video') return undefined;
    return ownerOf((await this.ctx.output(ref.job, false)).videoId);
  }

  private async resolveOne(ref: InputRef): Promise<string> {
    switch (ref.type) {
      case 'asset':
        return this.upload(ref.file);
      case 'job-video':
        return (await this.ctx.output(ref.job, false)).videoId;
      case 'job-frame': {
        const out = await this.ctx.output(ref.job, true);
        if (!out.file) throw new LocalInputError(`output of ${ref.job} is not on disk`);
        await mkdir(this.ctx.workDir, { recursive: true });
        const sha = await sha256File(out.file);
        const frame = join(this.ctx.workDir, `${sha.slice(0, 16)}-${ref.frame}.png`);
        await stat(frame).catch(() => extractFrame(out.file!, ref.frame, frame));
        return this.upload(frame);
      }
    }
  }

  /** Uploads a file once per content hash; concurrent requests for the same content share one upload. */
  async upload(file: string): Promise<string> {
    const sha = await sha256File(file);
    const known = this.ctx.knownUploads.get(sha);
    if (known) return known;
    let pending = this.inFlight.get(sha);
    if (!pending) {
      pending = this.doUpload(file, sha);
      this.inFlight.set(sha, pending);
      pending.catch(() => this.inFlight.delete(sha));
    }
    return pending;
  }

  private async doUpload(file: string, sha: string): Promise<string> {
    const ext = extname(file).slice(1).toLowerCase();
    const contentType = UPLOAD_CONTENT_TYPES[ext];
    if (!contentType) throw new LocalInputError(`cannot upload ${file}: unsupported file type .${ext}`);
    const { size } = await stat(file);
    // An upload creates nothing that costs credits, so a transient failure is simply tried again.
    const response = await this.withRetries(() =>
      this.ctx.api.uploadFile(createReadStream(file), contentType, { size, ...(this.email() ? { email: this.email()! } : {}) }),
    );
    const path = 'result' in response ? response.result[0]?.path : response.path;
    if (!path) throw new LocalInputError(`upload of ${file} returned no path`);
    this.ctx.knownUploads.set(sha, path);
    if (this.ctx.persistUploads) await this.ctx.store.append({ type: 'upload', sha256: sha, path, at: this.ctx.now() });
    return path;
  }

  private email(): string | undefined {
    const e = this.ctx.uploadEmail;
    return typeof e === 'function' ? e() : e;
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        // A broken account (596) is left out; the file goes to another one (uploads work from any account).
        if (isApiError(error, 'account-broken') && this.ctx.health && attempt < UPLOAD_ATTEMPTS) {
          this.ctx.health.markBroken(error.account ?? this.email());
          if (this.email() !== undefined && !this.ctx.health.isBroken(this.email()!)) continue;
        }
        if (attempt >= UPLOAD_ATTEMPTS || !isApiError(error, ['network', 'timeout', 'server', 'busy'])) throw error;
        await this.ctx.sleep(this.ctx.retryDelayMs * attempt);
      }
    }
  }
}

const UPLOAD_ATTEMPTS = 6;
