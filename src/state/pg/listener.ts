/**
 * The runner's LISTEN connection, kept open: when it is lost (a server restart, a network cut) it is
 * opened again with backoff until the runner stops, and `onReconnect` runs, since notifications sent
 * meanwhile were missed (waiters look again at once instead of waiting for their poll).
 */
import pg from 'pg';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 2_000;

export class Listener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channels: readonly string[],
    private readonly onNotification: (message: pg.Notification) => void,
    private readonly onReconnect: () => void,
  ) {}

  /** Connects once; a failure is the caller's (without notifications, waiters poll), later losses reconnect. */
  async start(): Promise<void> {
    await this.open();
  }

  private async open(): Promise<void> {
    const client = new pg.Client(this.config);
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      this.schedule();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', this.onNotification);
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      lost = true;
      void client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private schedule(): void {
    if (this.stopped || this.retry) return;
    const wait = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.open().then(
        () => this.onReconnect(),
        () => this.schedule(),
      );
    }, wait);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }
}
