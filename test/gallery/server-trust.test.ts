/**
 * What the gallery server must never hand out, whatever the request says: files outside the project
 * reached through a symbolic link (a linked file, a linked folder, a link in the output folder), dots
 * and encoded dots, and any answer to a Host other than 127.0.0.1, localhost or [::1] on its port
 * (DNS rebinding: a page of another origin reaching the server through a name it controls).
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGalleryServer, type GalleryServer } from '../../src/gallery/server.js';
import { runManifest } from '../../src/pipeline.js';

const MANIFEST = `version: 1
name: served
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: A lighthouse at dusk
`;

/** A raw GET: the path goes out exactly as written (fetch would resolve dots) with the Host given. */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('gallery server trust', () => {
  let root: string;
  let gallery: GalleryServer;
  let port: number;
  const secret = 'PRIVATE-BYTES-OUTSIDE-THE-PROJECT';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pixrender-serve-trust-'));
    const dir = join(root, 'proj');
    await mkdir(join(root, 'outside'), { recursive: true });
    await writeFile(join(root, 'outside', 'private.png'), secret);
    await writeFile(join(root, 'outside', 'private.mp4'), secret);
    await mkdir(dir);
    await writeFile(join(dir, 'served.yaml'), MANIFEST);
    expect((await runManifest(join(dir, 'served.yaml'), { mode: 'render', backend: 'sim', simTimeScale: 0.005 })).kind).toBe('ran');
    // Links inside the project that lead out: a folder, a file in the project, a file in the output folder.
    await symlink(join(root, 'outside'), join(dir, 'leak'));
    await symlink(join(root, 'outside', 'private.png'), join(dir, 'shot.png'));
    await symlink(join(root, 'outside', 'private.mp4'), join(dir, 'renders', 'served', 'other.mp4'));
    await symlink(join(root, 'outside'), join(dir, 'renders', 'served', 'more'));
    gallery = await startGalleryServer(join(dir, 'served.yaml'));
    port = Number(new URL(gallery.url).port);
  }, 120_000);
  afterAll(async () => {
    await gallery?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the project’s own clip', async () => {
    expect((await get(port, '/renders/served/intro.mp4')).status).toBe(200);
  });

  it('never serves a file outside the project through a link, dots or encoded dots', async () => {
    for (const path of [
      '/leak/private.png',
      '/leak/private.mp4',
      '/shot.png',
      '/renders/served/other.mp4',
      '/renders/served/more/private.png',
      '/renders/served/%6d%6f%72%65/private.png',
      '/leak%2fprivate.png',
      '/renders/served/..%2f..%2fleak%2fprivate.png',
      '/renders/%2e%2e/%2e%2e/leak/private.png',
      '/%2e%2e/outside/private.png',
      '/..%2foutside%2fprivate.png',
      '/..%5coutside%5cprivate.png',
      '/renders/served/intro.mp4%00.png',
      '/%E0%A4%A.png',
    ]) {
      const r = await get(port, path);
      expect([path, r.status]).toEqual([path, r.status >= 400 && r.status < 500 ? r.status : 'a 4xx']);
      expect(r.body).not.toContain(secret);
    }
  });

  it('answers only 127.0.0.1, localhost and [::1] on its port (no DNS rebinding)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) expect([host, (await get(port, '/renders/served/', host)).status]).toEqual([host, 200]);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `[::1]`, `0.0.0.0:${port}`]) {
      for (const path of ['/', '/renders/served/', '/renders/served/intro.mp4', '/events']) {
        const r = await get(port, path, host);
        expect([host, path, r.status]).toEqual([host, path, 421]);
      }
    }
  });
});
