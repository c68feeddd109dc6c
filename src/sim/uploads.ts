/** Files uploaded with POST files (reference §8.6): kept in memory, addressed by `upload/<uuid>.<ext>`. */
import { randomUuid, type Random } from './rng.js';

/** Accepted Content-Types (lower case) → extension. */
export const UPLOAD_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
  'video/x-matroska': 'mkv',
  'video/x-flv': 'flv',
  'video/mpeg': 'mpeg',
  'video/mp2t': 'ts',
  'video/x-msvideo': 'avi',
  'video/x-motion-jpeg': 'mjpeg',
  'video/webm': 'webm',
  'video/ogg': 'ogv',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
};

export type UploadKind = 'image' | 'video' | 'audio';

export interface StoredUpload {
  id: number;
  path: string;
  name: string;
  kind: UploadKind;
  contentType: string;
  bytes: Buffer;
}

export class UploadStore {
  private readonly byPath = new Map<string, StoredUpload>();
  private nextId: number;

  constructor(private readonly random: Random) {
    this.nextId = 481203377 + Math.floor(random() * 1000);
  }

  /** Stores the bytes; undefined when the Content-Type is not accepted. */
  add(contentType: string, bytes: Buffer, name?: string): StoredUpload | undefined {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const ext = UPLOAD_TYPES[type];
    if (!ext) return undefined;
    let path: string;
    do path = `upload/${randomUuid(this.random)}.${ext}`;
    while (this.byPath.has(path));
    const upload: StoredUpload = {
      id: this.nextId++,
      path,
      name: name ?? path.slice('upload/'.length),
      kind: type.split('/')[0] as UploadKind,
      contentType: type,
      bytes,
    };
    this.byPath.set(path, upload);
    return upload;
  }

  /** Puts back an upload saved by an earlier process. */
  restore(upload: StoredUpload): void {
    this.byPath.set(upload.path, upload);
    this.nextId = Math.max(this.nextId, upload.id + 1);
  }

  all(): StoredUpload[] {
    return [...this.byPath.values()];
  }

  get(path: string): StoredUpload | undefined {
    return this.byPath.get(path);
  }
}
