/**
 * The API client's seam: one method per endpoint of the reference (§8). The executor depends on this
 * interface only; `PixverseClient` (client.ts) implements it over undici.
 */
import type { Readable } from 'node:stream';
import type * as P from './protocol.js';

/** What a caller of `download` may ask for; the client adds its transport settings. */
export interface DownloadCallOptions {
  expectedSize?: number;
  expectedSha256?: string;
  signal?: AbortSignal;
  /** The folders `dest` must really be in (no symbolic link leading out), checked when the file lands. */
  within?: readonly string[];
}

export interface ListOptions {
  email?: string;
  limit?: number;
  offset?: number;
}

export interface DownloadResult {
  sha256: string;
  size: number;
}

export interface PixverseApi {
  getAccounts(): Promise<P.AccountsResponse>;
  getAccount(email: string): Promise<P.PixverseAccount>;
  putAccount(email: string, body: P.AccountConfigRequest): Promise<P.PixverseAccount>;
  deleteAccount(email: string): Promise<void>;
  getFeatures(email?: string): Promise<P.FeaturesResponse>;

  /** POST files: raw bytes with the file's MIME type. Images answer `{result:[…]}`, video/audio `{path,url}`. */
  uploadFile(
    body: Buffer | Readable,
    contentType: string,
    options?: { email?: string; size?: number },
  ): Promise<P.UploadImageResponse | P.UploadMediaResponse>;

  listVideos(options?: ListOptions): Promise<P.VideoListResponse>;
  /** GET videos/{id}: the video when available, or null on 404 (still processing, or unknown). */
  getVideo(videoId: string): Promise<P.VideoObject | null>;
  deleteVideo(videoId: string): Promise<void>;

  create(req: P.CreateRequest): Promise<P.GenerationResponse>;
  createFrames(req: P.CreateFramesRequest): Promise<P.GenerationResponse>;
  extend(req: P.ExtendRequest): Promise<P.GenerationResponse>;
  restyle(req: P.RestyleRequest): Promise<P.GenerationResponse>;
  createFusion(req: P.FusionRequest): Promise<P.GenerationResponse>;
  createTransition(req: P.TransitionRequest): Promise<P.GenerationResponse>;
  lipsync(req: P.LipsyncRequest): Promise<P.GenerationResponse>;
  upscale(req: P.UpscaleRequest): Promise<P.GenerationResponse>;
  /** Any generation endpoint by its path (e.g. 'videos/create'), for callers driven by data. */
  generate(endpoint: string, body: Record<string, unknown>): Promise<P.GenerationResponse>;

  getVoices(email?: string): Promise<P.VoicesResponse>;
  getEffects(options?: ListOptions): Promise<P.EffectsResponse>;
  getRestyles(email?: string): Promise<P.RestylesResponse>;

  getScheduler(): Promise<P.SchedulerItem[]>;
  getSchedulerAvailable(): Promise<P.SchedulerAvailable>;
  deleteScheduler(videoId: string): Promise<void>;

  /**
   * Streams a media URL to `dest` via a temp file in the same directory: sha256 while streaming,
   * size checked against Content-Length (and `expectedSize` if given), then an atomic rename.
   * A short or failed download leaves no file at `dest`.
   */
  download(url: string, dest: string, options?: DownloadCallOptions): Promise<DownloadResult>;

  close(): Promise<void>;
}
