import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Client } from 'pg';
import { DELIVERY_CHANNEL } from '../config/relay-notifications';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

const RECONNECT_MS = [500, 1_000, 2_000, 5_000];

/**
 * Wakes long-polling leases when a delivery for their backend is committed: one Postgres
 * connection per API process LISTENs on DELIVERY_CHANNEL. Each backend has a generation number
 * bumped by every notification, so a lease that read it before querying cannot miss a
 * notification that arrives between its query and its wait. While the connection is down (it is
 * re-established by itself) long polls still end at their deadline or at a known availability.
 */
@Injectable()
export class DeliveryNotifier implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryNotifier.name);
  private readonly generations = new Map<string, number>();
  private readonly waiters = new Set<{ backendBotId: string; wake: () => void }>();
  /** The connection in use or being opened; a lost one is replaced once. */
  private current?: Client;
  private attempt = 0;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(@Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Long polls end now (empty), before the database goes away. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const waiter of this.waiters) waiter.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.current?.end().catch(() => undefined);
  }

  get closing(): boolean {
    return this.stopped;
  }

  generation(backendBotId: string): number {
    return this.generations.get(backendBotId) ?? 0;
  }

  /** Resolves when the backend's generation moves past `seen`, after `ms`, on abort, or at shutdown. */
  wait(backendBotId: string, seen: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.generation(backendBotId) !== seen || this.stopped || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter = { backendBotId, wake: finish };
      const timer = setTimeout(finish, Math.max(0, ms));
      signal.addEventListener('abort', finish, { once: true });
      this.waiters.add(waiter);
    });
  }

  /**
   * A notification means at least one new delivery: it wakes the backend's longest-waiting lease
   * only (each lease takes up to its limit), not all of them to race for one row. A waiter that
   * finds nothing waits again; any lease about to wait sees the new generation and looks at once.
   */
  private bump(backendBotId: string, everyone = false): void {
    this.generations.set(backendBotId, this.generation(backendBotId) + 1);
    for (const waiter of this.waiters) {
      if (waiter.backendBotId !== backendBotId) continue;
      waiter.wake();
      if (!everyone) return;
    }
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, keepAlive: true });
    this.current = client;
    client.on('notification', (n) => {
      if (n.channel === DELIVERY_CHANNEL && n.payload) this.bump(n.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERY_CHANNEL}`);
      if (this.attempt > 0) this.logger.log({ msg: 'Relay LISTEN connection re-established' });
      this.attempt = 0;
      // Whatever was notified while disconnected: every waiter looks again.
      for (const backendBotId of new Set([...this.waiters].map((w) => w.backendBotId))) this.bump(backendBotId, true);
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || client !== this.current) return;
    this.current = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)];
    this.logger.warn({
      msg: 'Relay LISTEN connection lost; long polls fall back to their deadlines until it is back',
      retryInMs: delay,
      error: error.message,
    });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }
}
