/**
 * Inputs that refer to earlier work: uploaded images/videos/audio (`…_path`) and finished videos
 * (`video_id`). Unknown or unfinished references are 400s, as with the real API.
 */
import { VideoStatus } from '../api/protocol.js';
import type { JobOutput, SimJob } from './jobs.js';
import { readMp4Info } from './mp4.js';
import type { StoredUpload, UploadKind } from './uploads.js';
import { aspectOf } from './geometry.js';
import { FieldError, type Fields } from './validation.js';

export interface SourceLookup {
  upload(path: string): StoredUpload | undefined;
  video(videoId: string): SimJob | undefined;
}

/** A video to extend, restyle, lip-sync or upscale. */
export interface SourceVideo extends Omit<JobOutput, 'originalVideoId'> {
  /** Set for a `video_id` source: the job and its account. */
  job?: SimJob;
}

export const VIDEO_ID_PATTERN = /^user:(\d+)-pixverse:(.+)-video:(\d+)$/;

const article = (word: string) => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;

export function uploadPath(f: Fields, lookup: SourceLookup, name: string, kind: UploadKind, required = false): string | undefined {
  const path = f.string(name, { required });
  if (path === undefined) return undefined;
  const upload = lookup.upload(path);
  if (!upload) throw new FieldError(`Parameter ${name}: unknown upload path "${path}" (upload the file with POST files first)`);
  if (upload.kind !== kind) throw new FieldError(`Parameter ${name}: "${path}" is ${article(upload.kind)}, expected ${article(kind)}`);
  return path;
}

/** A finished video by id: exists, completed. */
export function completedVideo(lookup: SourceLookup, videoId: string, name = 'video_id'): SimJob {
  if (!VIDEO_ID_PATTERN.test(videoId)) throw new FieldError(`Parameter ${name}: "${videoId}" is not a valid video_id`);
  const job = lookup.video(videoId);
  if (!job) throw new FieldError(`Parameter ${name}: video ${videoId} not found`);
  if (job.status !== VideoStatus.COMPLETED) throw new FieldError(`Parameter ${name}: video ${videoId} is not completed`);
  return job;
}

/** Exactly one of `video_id` / `video_path`. */
export function sourceVideo(f: Fields, lookup: SourceLookup): SourceVideo {
  const videoId = f.string('video_id');
  const hasPath = f.has('video_path');
  if (videoId !== undefined && hasPath) throw new FieldError('Provide either video_id or video_path, not both');
  if (videoId !== undefined) {
    const job = completedVideo(lookup, videoId);
    return { ...job.output, job };
  }
  if (!hasPath) throw new FieldError('Parameter video_id or video_path is required');
  return uploadedVideo(f, lookup, 'video_path');
}

/** An uploaded video named by field `name` (required), with the size, length and quality read from it. */
export function uploadedVideo(f: Fields, lookup: SourceLookup, name: string): SourceVideo {
  const path = uploadPath(f, lookup, name, 'video', true)!;
  const info = readMp4Info(lookup.upload(path)!.bytes);
  const width = info && info.width > 0 ? info.width : 1280;
  const height = info && info.height > 0 ? info.height : 720;
  const short = Math.min(width, height);
  const quality = short >= 1080 ? '1080p' : short >= 720 ? '720p' : short >= 540 ? '540p' : '360p';
  const duration = info && info.durationSeconds > 0 ? Math.round(info.durationSeconds * 10) / 10 : 5;
  return { width, height, duration, quality, aspectRatio: aspectOf(width, height), upscaled: false };
}
