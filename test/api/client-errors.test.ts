import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import { isApiError, type ApiErrorKind } from '../../src/api/errors.js';
import { closedPort, json, startTestServer, type TestServer, caught } from './test-server.js';

const TOKEN = 'user:1234-s3cr3tT0kenValue0001';
let server: TestServer;
let client: PixverseClient;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await client?.close();
  server.seen.length = 0;
});

function newClient(extra: Partial<ConstructorParameters<typeof PixverseClient>[0]> = {}): PixverseClient {
  client = new PixverseClient({ baseUrl: server.baseUrl, token: TOKEN, ...extra });
  return client;
}


const createBody = { model: 'v4.5', prompt: 'a lighthouse at dusk', duration: 5, quality: '540p' };

describe('HTTP statuses map to kinds', () => {
  const cases: [number, ApiErrorKind, boolean][] = [
    [400, 'bad-request', false],
    [401, 'unauthorized', false],
    [402, 'payment-required', false],
    [404, 'not-found', false],
    [412, 'insufficient-credits', false],
    [422, 'moderated', false],
    [429, 'busy', false],
    [500, 'server', true],
    [503, 'server', true],
    [596, 'account-broken', false],
  ];
  for (const [status, kind, unknownOutcome] of cases) {
    it(`${status} on a generation POST → ${kind}, outcomeUnknown ${unknownOutcome}`, async () => {
      server.handle((_req, res) => json(res, status, { error: `message for ${status}`, code: status }));
      const e = await caught(newClient().create(createBody));
      expect(e.kind).toBe(kind);
      expect(e.status).toBe(status);
      expect(e.apiMessage).toBe(`message for ${status}`);
      expect(e.method).toBe('POST');
      expect(e.endpoint).toBe('videos/create');
      expect(e.outcomeUnknown).toBe(unknownOutcome);
      expect(isApiError(e, kind)).toBe(true);
    });
  }

  it('a 596 names the account: the one the request named, else one the answer names', async () => {
    server.handle((_req, res) => json(res, 596, { error: 'PixVerse account x@y.z is in an error state', code: 596 }));
    expect((await caught(newClient().create({ ...createBody, email: 'named@y.z' }))).account).toBe('named@y.z');
    expect((await caught(newClient().create(createBody))).account).toBe('x@y.z');
    expect((await caught(newClient().getFeatures('q@y.z'))).account).toBe('q@y.z');
  });

  it('a 5xx on a GET or a non-generation POST is not an unknown outcome', async () => {
    server.handle((_req, res) => json(res, 500, { error: 'boom' }));
    expect((await caught(newClient().getFeatures())).outcomeUnknown).toBe(false);
    expect((await caught(client.uploadFile(Buffer.from('x'), 'image/png'))).outcomeUnknown).toBe(false);
  });

  it('reads an error body without `code`', async () => {
    server.handle((_req, res) => json(res, 412, { error: 'All Credits have been used up. Please upgrade your membership or purchase credits.' }));
    const e = await caught(newClient().upscale({ video_id: 'user:1-pixverse:a@b.c-video:1' }));
    expect(e.kind).toBe('insufficient-credits');
    expect(e.apiMessage).toMatch(/^All Credits have been used up/);
  });

  it('reads a plain-sentence body', async () => {
    server.handle((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Configuration not found for x@example.com. Create one with POST accounts/x@example.com');
    });
    const e = await caught(newClient().getAccount('x@example.com'));
    expect(e.kind).toBe('not-found');
    expect(e.apiMessage).toBe('Configuration not found for x@example.com. Create one with POST accounts/x@example.com');
  });

  it('reads an empty error body and a Retry-After header', async () => {
    server.handle((_req, res) => {
      res.writeHead(429, { 'retry-after': '12' });
      res.end();
    });
    const e = await caught(newClient().create(createBody));
    expect(e.kind).toBe('busy');
    expect(e.apiMessage).toBeUndefined();
    expect(e.retryAfterS).toBe(12);
  });

  it('a 200 that is not JSON on a generation POST is an unknown outcome', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>'));
    const e = await caught(newClient().create(createBody));
    expect([e.kind, e.detail, e.outcomeUnknown]).toEqual(['server', 'invalid-response', true]);
  });

  it('a 200 without video_id on a generation POST is an unknown outcome', async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    const e = await caught(newClient().extend({ video_id: 'v' }));
    expect([e.kind, e.detail, e.outcomeUnknown]).toEqual(['server', 'invalid-response', true]);
  });
});

describe('transport failures', () => {
  it('a socket destroyed mid-request is a network error; for a generation POST the outcome is unknown', async () => {
    server.handle((_req, _res, raw) => raw.socket.destroy());
    const post = await caught(newClient().create(createBody));
    expect(post.kind).toBe('network');
    expect(post.outcomeUnknown).toBe(true);
    const get = await caught(client.getScheduler());
    expect(get.kind).toBe('network');
    expect(get.outcomeUnknown).toBe(false);
  });

  it('a socket destroyed after the headers (half a body) is a network error', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"video_id":"user:1-pix');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const e = await caught(newClient().create(createBody));
    expect([e.kind, e.outcomeUnknown]).toEqual(['network', true]);
  });

  it('connection refused: nothing was sent, so the outcome is known', async () => {
    const port = await closedPort();
    client = new PixverseClient({ baseUrl: `http://127.0.0.1:${port}/v2/pixverse`, token: TOKEN });
    const e = await caught(client.create(createBody));
    expect(e.kind).toBe('network');
    expect(e.detail).toBe('ECONNREFUSED');
    expect(e.outcomeUnknown).toBe(false);
  });

  it('no answer within timeoutMs → timeout; unknown outcome for a generation POST only', async () => {
    server.handle(() => {
      // never answers
    });
    const post = await caught(newClient({ timeoutMs: 150 }).lipsync({ video_id: 'v', prompt: 'hi' }));
    expect([post.kind, post.outcomeUnknown]).toEqual(['timeout', true]);
    const get = await caught(client.getVideo('user:1-pixverse:a@b.c-video:1'));
    expect([get.kind, get.outcomeUnknown]).toEqual(['timeout', false]);
  });
});

describe('retries', () => {
  it('never retries a POST, even with getRetries', async () => {
    server.handle((_req, res) => json(res, 500, { error: 'boom' }));
    await caught(newClient({ getRetries: 2 }).create(createBody));
    expect(server.seen).toHaveLength(1);
  });

  it('retries a GET getRetries times on a 5xx, and not on a 4xx', async () => {
    server.handle((_req, res) => json(res, 503, { error: 'later' }));
    await caught(newClient({ getRetries: 2 }).getSchedulerAvailable());
    expect(server.seen).toHaveLength(3);
    server.seen.length = 0;
    server.handle((_req, res) => json(res, 401, { error: 'Unauthorized', code: 401 }));
    await caught(client.getSchedulerAvailable());
    expect(server.seen).toHaveLength(1);
  });

  it('a GET succeeds on a retry after a 5xx', async () => {
    let calls = 0;
    server.handle((_req, res) => (++calls === 1 ? json(res, 502, { error: 'bad gateway' }) : json(res, 200, { data: [] })));
    await expect(newClient({ getRetries: 1 }).listVideos()).resolves.toEqual({ data: [] });
  });
});
