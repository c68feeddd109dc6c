/**
 * Wire types of useapi.net's PixVerse API v2 (see the API reference, §8), shared by the client and
 * the simulator. Field names are the API's own (snake_case, camelCase where the API uses it).
 */

export const API_PREFIX = '/v2/pixverse';
export const DEFAULT_API_URL = 'https://api.useapi.net/v2/pixverse';

export interface ApiErrorBody {
  error: string;
  code?: number;
}

/** Fields every generation request accepts (§1.5). */
export interface CommonGenerationFields {
  email?: string;
  replyUrl?: string;
  replyRef?: string;
  maxJobs?: number;
  off_peak_mode?: boolean;
}

export interface CreateRequest extends CommonGenerationFields {
  model?: string;
  prompt: string;
  negative_prompt?: string;
  first_frame_path?: string;
  last_frame_path?: string;
  template_id?: number;
  duration?: number;
  quality?: string;
  motion_mode?: string;
  aspect_ratio?: string;
  style?: string;
  sound_effect_prompt?: string;
  lip_sync_tts_prompt?: string;
  lip_sync_tts_speaker_id?: string;
  auto_sound?: boolean;
  seed?: number;
  remove_watermark?: boolean;
}

export interface CreateFramesRequest extends CommonGenerationFields {
  model?: string;
  prompt?: string;
  first_frame_path: string;
  last_frame_path: string;
  duration?: number;
  quality?: string;
  motion_mode?: string;
  aspect_ratio?: string;
  seed?: number;
  sound_effect_prompt?: string;
  remove_watermark?: boolean;
}

export interface ExtendRequest extends CommonGenerationFields {
  model?: string;
  prompt?: string;
  negative_prompt?: string;
  video_id?: string;
  video_path?: string;
  template_id?: number;
  duration?: number;
  quality?: string;
  motion_mode?: string;
  style?: string;
  seed?: number;
}

export interface RestyleRequest extends CommonGenerationFields {
  model?: string;
  prompt: string;
  video_id?: string;
  video_path?: string;
  restyle_id?: number;
  seed?: number;
}

export interface FusionRequest extends CommonGenerationFields {
  model?: string;
  prompt: string;
  frame_1_path: string;
  frame_2_path?: string;
  frame_3_path?: string;
  quality?: string;
  duration?: number;
  aspect_ratio?: string;
  seed?: number;
}

/** frame_1_path … frame_7_path, duration_1_to_2 …, prompt_1_to_2 … are indexed fields. */
export interface TransitionRequest extends CommonGenerationFields {
  model?: string;
  quality?: string;
  seed?: number;
  sound_effect_prompt?: string;
  [indexed: `frame_${number}_path` | `duration_${number}_to_${number}` | `prompt_${number}_to_${number}`]: string | number;
}

export interface LipsyncRequest extends CommonGenerationFields {
  video_id?: string;
  video_path?: string;
  audio_path?: string;
  prompt?: string;
  speaker_id?: string;
  original_sound_switch?: boolean;
}

export interface UpscaleRequest {
  video_id: string;
  replyUrl?: string;
  replyRef?: string;
  maxJobs?: number;
}

export interface GenerationResponse {
  video_id: string;
  cost_credits?: number;
}

export interface VideoObject {
  video_id: string;
  video_status: number;
  video_status_name?: string;
  video_status_final?: boolean;
  account_id?: number;
  created_at?: string;
  first_frame?: string;
  output_width?: number;
  output_height?: number;
  original_video_id?: string | number;
  upscaled?: number;
  prompt?: string;
  model?: string;
  quality?: string;
  motion_mode?: string;
  seed?: number;
  video_duration?: number;
  duration?: number;
  url?: string;
  aspect_ratio?: string;
  template_id?: number;
  error?: string;
  replyRef?: string;
  [more: string]: unknown;
}

export interface VideoListResponse {
  data: VideoObject[];
}

export interface PixverseJwt {
  AccountId: number;
  ExpireTime: number;
  ExpireTimeUTC: string;
  Username: string;
  token: string;
}
export interface PixverseAccount {
  email: string;
  password: string;
  maxJobs: number;
  jwt: PixverseJwt;
}
export type AccountsResponse = Record<string, PixverseAccount>;
export interface AccountConfigRequest {
  email: string;
  password: string;
  maxJobs: number;
  token?: string;
}

/** GET features: documented balances and flags; later revisions add off_peak / off_peak_discount. */
export interface FeaturesResponse {
  plan_name?: string;
  credit_daily: number;
  credit_daily_gift?: number;
  credit_monthly: number;
  credit_monthly_gift?: number;
  credit_package: number;
  gen_simultaneously?: number;
  off_peak?: number;
  off_peak_discount?: string;
  preview_mode?: number;
  preview_mode_discount?: string;
  [more: string]: unknown;
}

export interface UploadImageResponse {
  result: { id: number; url: string; path: string; size: number; name: string; category: number; err_msg: string }[];
}
export interface UploadMediaResponse {
  path: string;
  url: string;
}

/** Template lists (2026 reference §6); read them through src/templates/wire.ts, which accepts every shape. */
export interface Effect {
  display_name: string;
  workflow_tag?: string;
  template_id: number;
  qualities?: string[];
  effect_type?: string;
  template_type?: number;
  duration?: number;
  video_base_cost?: number;
  fixed_cost?: number;
  [more: string]: unknown;
}
export interface EffectsResponse {
  items: Effect[];
}
export interface Voice {
  speaker_id: string;
  display_name?: string;
  /** Older lists. */
  name?: string;
  url?: string;
}
/** `tts_list` in the documented answer; `data` in older simulators. */
export interface VoicesResponse {
  tts_list?: Voice[];
  data?: Voice[];
}
export interface RestylePreset {
  restyle_id: number;
  display_name?: string;
  name?: string;
  prompt?: string;
  thumbnail_path?: string;
}
export interface RestylesResponse {
  items: RestylePreset[];
}

/**
 * One executing job in GET scheduler and GET scheduler/available. Since 2026-03-09 both list `{id, type}`;
 * before, scheduler used `videoId` and scheduler/available `video_id`. Read the id with `schedulerItemId`.
 */
export interface SchedulerItem {
  id?: string;
  type?: string;
  videoId?: string;
  video_id?: string;
  started: string;
  elapsed: string;
  replyUrl?: string;
  replyRef?: string;
}
export interface SchedulerAvailable {
  executing: SchedulerItem[];
  available: { email: string; maxJobs: number; executing: number; available: number }[];
}

/** The job id of a scheduler item in any shape the API has used; undefined when it carries none. */
export function schedulerItemId(item: SchedulerItem): string | undefined {
  return [item.id, item.videoId, item.video_id].find((v): v is string => typeof v === 'string' && v !== '');
}

/** Statuses of §3.1 and the 2026 reference §4.11. QUEUED is printed final, but is not: clients treat it as pending. */
export const VideoStatus = { COMPLETED: 1, QUEUED: 5, MODERATED: 7, FAILED: 8, GENERATING_2026: 9, GENERATING: 10 } as const;

export const STATUS_NAMES: Record<number, string> = {
  1: 'COMPLETED',
  5: 'QUEUED',
  7: 'MODERATED',
  8: 'FAILED',
  9: 'GENERATING',
  10: 'GENERATING',
};

/**
 * Done when status 1 with a URL and a width (§3.2); failed when 7/8, or when a 200 carries an `error`
 * string (2026 §7). An unknown code counts as failed only when the API marks it final; status 5 stays
 * pending whatever `video_status_final` says.
 */
export function videoOutcome(v: VideoObject): 'pending' | 'completed' | 'moderated' | 'failed' {
  if (v.video_status === VideoStatus.MODERATED) return 'moderated';
  if (v.video_status === VideoStatus.FAILED) return 'failed';
  if (v.video_status === VideoStatus.COMPLETED && v.url && (v.output_width ?? 0) > 0) return 'completed';
  if (typeof v.error === 'string' && v.error !== '') return 'failed';
  if (v.video_status in STATUS_NAMES) return 'pending';
  // An unknown code: its name, when the API gives one the MCP documents, else its final flag.
  if (v.video_status_name === 'MODERATED' && v.video_status_final !== false) return 'moderated';
  if (v.video_status_name === 'FAILED' && v.video_status_final !== false) return 'failed';
  return v.video_status_final === true ? 'failed' : 'pending';
}

export const UPLOAD_CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  mkv: 'video/x-matroska',
  flv: 'video/x-flv',
  mpeg: 'video/mpeg',
  ts: 'video/MP2T',
  avi: 'video/x-msvideo',
  mjpeg: 'video/x-motion-jpeg',
  webm: 'video/webm',
  ogv: 'video/ogg',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
};
