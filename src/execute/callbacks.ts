/**
 * An optional callback receiver: a local HTTP listener whose URL is sent as `replyUrl`, so the API
 * tells us when a job changes instead of us asking. Callbacks are untrusted hints (no signature is
 * documented): a final one only makes the poller confirm that job with GET videos/{id} at once.
 * The payload nesting is unconfirmed, so `video_id` is read at top level or under `response`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackReceiver {
  /** The URL to send as replyUrl. */
  url: string;
  close(): Promise<void>;
}

export interface CallbackReceiverOptions {
  /** Where to listen. @default 127.0.0.1 on a free port */
  host?: string;
  port?: number;
  /** The URL the API should call, when it differs from the listener's (e.g. behind a tunnel). */
  publicUrl?: string;
  /** Called with the video id of every callback that reports a final status. */
  onFinal(videoId: string): void;
}

const MAX_BODY = 1024 * 1024;

export async function startCallbackReceiver(options: CallbackReceiverOptions): Promise<CallbackReceiver> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      res.writeHead(204).end();
      try {
        const payload = JSON.parse(body) as Record<string, any>;
        const video = (payload.response && typeof payload.response === 'object' ? payload.response : payload) as Record<string, unknown>;
        const videoId = video.video_id ?? payload.video_id;
        const final = video.video_status_final === true && video.video_status !== 5;
        if (typeof videoId === 'string' && final) options.onFinal(videoId);
      } catch {
        // not JSON: ignore, polling still covers the job
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${port}/pixrender/callback`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
