import { Logger } from '@nestjs/common';
import type { DeploymentCoordination, LeaseFence, SessionLease } from '@discord-backbone/prisma';
import type { DiscordBotSettings } from '../config/relay-settings';
import { BotConnection } from './bot.connection';
import type { BotConnectionContext, ConnectionState } from './bot.connection';
import { abortableSleep } from './gateway-backfill';

/** `standby`: another replica holds the session (ready, as far as health goes); `contending`: not known yet. */
export type GatewayState = ConnectionState | 'standby' | 'contending';

export interface GatewayLeaseTiming {
  /** How long a lease lasts unrenewed: the longest a holder cut off from Postgres keeps others waiting. */
  ttlMs: number;
  /** The holder renews this often; a renewal that fails, or takes as long, steps it down. */
  renewEveryMs: number;
  /** A replica without the lease tries this often to take it. */
  contendEveryMs: number;
  /** A new holder waits this long before its Identify, for the last one to have closed its session. */
  takeoverGraceMs: number;
}

export const DEFAULT_GATEWAY_LEASE_TIMING: GatewayLeaseTiming = {
  ttlMs: 15_000,
  renewEveryMs: 5_000,
  contendEveryMs: 2_000,
  takeoverGraceMs: 1_000,
};

/** Each Discord bot's gateway lease (per bot: the relay's bots are not sharded). */
export const gatewayLeaseName = (discordBotId: string): string => `relay-gateway:${discordBotId}`;

/**
 * One Discord bot's gateway session, held by exactly one replica of the deployment: the one
 * holding the bot's lease in Postgres (a SessionLease, bound to a connection of its own). The
 * holder opens the session (a BotConnection per term, carrying the term's fence on every write)
 * and renews the lease; it steps down at once — its gateway client destroyed — when a renewal
 * fails, finds another term, or its lease session is gone, and when a write is refused by the
 * fence. Every other replica stands by and tries to take the lease: after the holder's process or
 * database session dies, at its next try; after a holder cut off from Postgres, once the lease
 * expires. The new holder's READY backfills what was posted meanwhile from the channel watermarks.
 */
export class GatewayLeadership {
  private readonly logger = new Logger(GatewayLeadership.name);
  private readonly abort = new AbortController();
  private connection?: BotConnection;
  private idleState: GatewayState = 'contending';
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: BotConnectionContext,
    private readonly coordination: DeploymentCoordination,
    private readonly timing: GatewayLeaseTiming,
    private readonly drainMs: number,
  ) {}

  get bot(): DiscordBotSettings {
    return this.context.bot;
  }

  get state(): GatewayState {
    return this.connection?.state ?? this.idleState;
  }

  /** When the held session's last backfill ended; none while standing by or before the first one. */
  get lastBackfillAt(): Date | undefined {
    return this.connection?.lastBackfillAt;
  }

  /** While the session waits for Discord's daily session starts to reset: when they do. */
  get sessionLimitResetAt(): Date | undefined {
    return this.connection?.sessionLimitResetAt;
  }

  start(): void {
    this.running = this.run();
  }

  /** Closes the session (if held) and only then gives the lease up, so the next holder need not wait for it to expire. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let lease: SessionLease | undefined;
      let held = false;
      try {
        lease = await this.coordination.openSessionLease(gatewayLeaseName(this.bot.id), this.timing.ttlMs);
        held = await this.contend(lease);
      } catch (error) {
        this.idleState = 'standby';
        this.logger.warn({
          msg: 'Relay gateway lease not reachable (Postgres); trying again',
          discordBotId: this.bot.id,
          error: (error as Error).message,
        });
      } finally {
        await lease?.release().catch(() => undefined);
      }
      // After its own term, a replica lets the others try first.
      if (!signal.aborted) await abortableSleep(this.timing.contendEveryMs * (held ? 2 : 1), signal);
    }
    this.idleState = 'stopped';
  }

  /** Tries to take the lease until it does (then holds one term) or its session is lost; says whether it held a term. */
  private async contend(lease: SessionLease): Promise<boolean> {
    const signal = this.abort.signal;
    let lost = false;
    void lease.lost.then(() => (lost = true));
    while (!signal.aborted && !lost) {
      const state = await lease.hold();
      if (state.held) {
        await this.holdTerm(lease, { name: lease.name, holder: lease.holder, fence: state.fence });
        return true;
      }
      this.idleState = 'standby';
      await Promise.race([abortableSleep(this.timing.contendEveryMs, signal), lease.lost]);
    }
    return false;
  }

  private async holdTerm(lease: SessionLease, term: LeaseFence): Promise<void> {
    const signal = this.abort.signal;
    this.idleState = 'connecting';
    this.logger.log({
      msg: "Relay gateway lease taken: this replica holds the Discord bot's gateway session",
      discordBotId: this.bot.id,
      fence: term.fence.toString(),
    });
    // Fence 1 is the lease's first term ever; after it, a previous holder may still be closing its session.
    if (term.fence > 1n) await abortableSleep(this.timing.takeoverGraceMs, signal);
    const connection = new BotConnection(this.context, term);
    this.connection = connection;
    if (!signal.aborted) void connection.start();
    let reason = 'shutdown';
    while (!signal.aborted) {
      const wake = await Promise.race([
        abortableSleep(this.timing.renewEveryMs, signal).then(() => 'renew' as const),
        lease.lost.then(() => 'lost' as const),
        connection.fenced.then(() => 'fenced' as const),
      ]);
      if (signal.aborted) break;
      if (wake === 'lost') reason = 'its lease session is gone';
      else if (wake === 'fenced') reason = 'the fence refused a write: another replica holds the lease';
      else reason = await renewal(lease, term);
      if (reason) break;
    }
    this.idleState = signal.aborted ? 'stopped' : 'standby';
    if (!signal.aborted)
      this.logger.warn({
        msg: "Relay gateway session closed: this replica no longer holds the Discord bot's lease",
        discordBotId: this.bot.id,
        fence: term.fence.toString(),
        reason,
      });
    // Destroys the gateway client first, then drains writes (which the fence refuses once the lease has moved on).
    await connection.stop(this.drainMs);
    this.connection = undefined;
  }
}

/** Renews the lease; why the term ends, or '' while it holds (the lease session's query timeout bounds a renewal). */
async function renewal(lease: SessionLease, term: LeaseFence): Promise<string> {
  try {
    const state = await lease.hold();
    return state.held && state.fence === term.fence ? '' : 'another replica holds the lease';
  } catch (error) {
    return `the lease could not be renewed: ${(error as Error).message}`;
  }
}
