/** HTTP plumbing for the simulator: reading bodies (raw, JSON, multipart) and writing JSON replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer with a status and the `{error, code}` envelope; thrown by handlers, caught by the server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Reply {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
}

export const json = (status: number, body?: unknown): Reply => ({ status, body });

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body larger than the simulator's limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The fields of a JSON or multipart/form-data body (an empty body is no fields). */
export async function parseFields(contentType: string | undefined, body: Buffer): Promise<Record<string, unknown>> {
  if (body.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    let form: FormData;
    try {
      form = await new Request('http://sim.invalid/', { method: 'POST', headers: { 'content-type': contentType! }, body }).formData();
    } catch {
      throw new HttpError(400, 'Malformed form body');
    }
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string') fields[key] = value;
    return fields;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const errorReply = (status: number, message: string): Reply => json(status, { error: message, code: status });
