/** The video object of GET videos/{id}, GET videos and callbacks (reference §8.8), built from a job. */
import { STATUS_NAMES, VideoStatus, type VideoObject } from '../api/protocol.js';
import { isFinal, type SimJob } from './jobs.js';

/** Where a job's media is served (outside the API prefix, so a plain download needs no token). */
export const mediaUrls = (origin: string, job: SimJob) => ({
  url: `${origin}/media/${job.numericId}.mp4`,
  firstFrame: `${origin}/media/${job.numericId}.jpg`,
});

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function videoObject(job: SimJob, origin: string): VideoObject {
  const done = job.status === VideoStatus.COMPLETED;
  const media = mediaUrls(origin, job);
  const f = job.fields;
  const object: VideoObject = {
    video_id: job.videoId,
    video_status: job.status,
    video_status_name: STATUS_NAMES[job.status] ?? 'UNKNOWN',
    video_status_final: isFinal(job.status),
    account_id: job.accountId,
    created_at: new Date(job.createdAt).toISOString(),
    first_frame: done ? media.firstFrame : '',
    output_width: done ? job.output.width : 0,
    output_height: done ? job.output.height : 0,
    original_video_id: job.output.originalVideoId ?? 0,
    upscaled: job.output.upscaled ? 1 : 0,
    prompt: text(f.prompt),
    negative_prompt: text(f.negative_prompt),
    model: text(f.model),
    quality: job.output.quality,
    motion_mode: text(f.motion_mode) || 'normal',
    asset_id: 0,
    auto_character_prompt: 0,
    seed: num(f.seed),
    likes: 0,
    model_name: '',
    queue_data: { queue_time: job.status === VideoStatus.QUEUED ? 1 : 0, queue_count: 0 },
    video_duration: job.output.duration,
    duration: job.output.duration,
    last_frame: '',
    extended: job.endpoint === 'videos/extend' ? 1 : 0,
    lip_sync: job.endpoint === 'videos/lipsync' ? { audio_path: text(f.audio_path), prompt: text(f.prompt) } : null,
    url: done ? media.url : '',
    img_id: 0,
    img_url: '',
    motion_brush: '',
    asset_name: '',
    asset_img_url: '',
    remove_watermark: 1,
    nick_name: job.email.split('@')[0] ?? '',
    avatar: '',
    aspect_ratio: job.output.aspectRatio,
    camera_movement: 'default',
    relation_type: 0,
    style: text(f.style),
    template_id: num(f.template_id),
    template_name: text(f.template_name),
    template_thumbnail_url: '',
    template_thumbnail_video_url: '',
    template_i18n_json: '',
    workflow_tag: '',
    customer_paths: null,
    off_peak_mode: job.offPeak,
  };
  if (job.status === VideoStatus.MODERATED) object.error = 'Content moderation failure';
  if (job.status === VideoStatus.FAILED) object.error = 'Generation failed';
  return object;
}
