/**
 * A TCP proxy on 127.0.0.1 between pixrender and PostgreSQL that a test can turn against the runner:
 * `stall()` holds every byte (in both directions, new connections too) and never forwards it, as a
 * firewall dropping packets would; `drop()` resets every connection; `heal()` forwards again.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TestProxy {
  url(databaseUrl: string): string;
  stall(): void;
  drop(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TestProxy> {
  let stalled = false;
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!stalled) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      pairs.delete(pair);
      // While stalled, not even a close goes through.
      if (!stalled) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('close', close).on('error', () => undefined);
    upstream.on('close', close).on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (databaseUrl) => databaseUrl.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`),
    stall: () => {
      stalled = true;
    },
    drop: () => {
      for (const [a, b] of pairs) {
        a.resetAndDestroy();
        b.destroy();
      }
      pairs.clear();
    },
    heal: () => {
      stalled = false;
    },
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
