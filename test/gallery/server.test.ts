/**
 * The gallery server on its own (no browser): it listens on 127.0.0.1, answers a busy port with a typed
 * error (and the watch command with one line and exit 2), serves media with byte ranges, and nothing but
 * the page, the event stream and media files under the project.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../src/commands/watch.js';
import { GalleryServerError, startGalleryServer, type GalleryServer } from '../../src/gallery/server.js';
import { runManifest } from '../../src/pipeline.js';
import { tempProject } from '../watch/helpers.js';

const MANIFEST = `version: 1
name: served
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: A lighthouse at dusk
`;

const busyPort = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { port: (server.address() as AddressInfo).port, server };
};

describe('gallery server', () => {
  let project: Awaited<ReturnType<typeof tempProject>> | undefined;
  let gallery: GalleryServer | undefined;
  let busy: Server | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await gallery?.close();
    gallery = undefined;
    await new Promise<void>((ok) => (busy ? busy.close(() => ok()) : ok()));
    busy = undefined;
    await project?.cleanup();
  });

  it('a busy port is a typed error, and `watch --serve --port N` prints one line and exits 2', async () => {
    project = await tempProject({ 'served.yaml': MANIFEST });
    const file = join(project.dir, 'served.yaml');
    const taken = await busyPort();
    busy = taken.server;
    await expect(startGalleryServer(file, { port: taken.port })).rejects.toSatisfy((e) => e instanceof GalleryServerError && e.code === 'port-in-use' && e.port === taken.port);
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await command.run([file, '--serve', '--port', String(taken.port)])).toBe(2);
    expect(err).toContain(`pixrender: the gallery's port 127.0.0.1:${taken.port} is in use; pick another with --port N`);
    expect(err).not.toMatch(/internal error|\n\s+at /);
  });

  it('serves the page, clips with byte ranges, and nothing else of the project', async () => {
    project = await tempProject({ 'served.yaml': MANIFEST });
    const file = join(project.dir, 'served.yaml');
    await writeFile(join(project.dir, 'notes.txt'), 'private');
    expect((await runManifest(file, { mode: 'render', backend: 'sim', simTimeScale: 0.005 })).kind).toBe('ran');
    gallery = await startGalleryServer(file);
    const url = new URL(gallery.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/renders/served/');
    const page = await fetch(gallery.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('data-live="1"');
    const clip = await fetch(new URL('intro.mp4', gallery.url), { headers: { range: 'bytes=0-99' } });
    expect(clip.status).toBe(206);
    expect(clip.headers.get('content-type')).toBe('video/mp4');
    expect((await clip.arrayBuffer()).byteLength).toBe(100);
    const origin = `${url.protocol}//${url.host}`;
    // Raw paths: fetch would resolve the dots itself.
    const raw = (path: string) =>
      new Promise<number>((ok, fail) => {
        import('node:http').then(({ get }) => get({ host: '127.0.0.1', port: url.port, path }, (res) => (res.resume(), ok(res.statusCode!))).on('error', fail), fail);
      });
    for (const path of ['/served.yaml', '/served.yaml.lock', '/notes.txt', '/.pixrender/served.yaml.journal', '/renders/served/../../served.yaml', '/..%2f..%2fetc%2fpasswd', '/renders/%2e%2e/%2e%2e/%2e%2e/etc/hostname'])
      expect([path, await raw(path)]).toEqual([path, 404]);
    expect((await fetch(`${origin}/renders/served/intro.mp4`, { method: 'POST' })).status).toBe(405);
  });

  it('with the output folder outside the project, serves neither the media beside them nor above them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pixrender-gallery-root-'));
    try {
      await mkdir(join(root, 'proj'));
      await writeFile(join(root, 'proj', 'served.yaml'), MANIFEST);
      await writeFile(join(root, 'proj', '.pixrenderrc.json'), JSON.stringify({ outputDir: '../out/${name}' }));
      await mkdir(join(root, 'elsewhere'));
      await writeFile(join(root, 'elsewhere', 'private.jpg'), 'not for the page');
      await writeFile(join(root, 'private.png'), 'not for the page');
      const file = join(root, 'proj', 'served.yaml');
      expect((await runManifest(file, { mode: 'render', backend: 'sim', simTimeScale: 0.005 })).kind).toBe('ran');
      gallery = await startGalleryServer(file);
      expect(new URL(gallery.url).pathname).toBe('/out/served/');
      expect((await fetch(new URL('intro.mp4', gallery.url))).status).toBe(200);
      const origin = new URL(gallery.url).origin;
      expect((await fetch(`${origin}/elsewhere/private.jpg`)).status).toBe(404);
      expect((await fetch(`${origin}/private.png`)).status).toBe(404);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
