import type { WebSocketOptions } from 'discord.js';
import type { DeploymentCoordination } from '@discord-backbone/prisma';
import { abortableSleep } from './gateway-backfill';

type IdentifyThrottler = Awaited<ReturnType<NonNullable<WebSocketOptions['buildIdentifyThrottler']>>>;

/** Discord's spacing of Identifies per rate-limit bucket of a bot (5 s), measured at its end: half a second more for the Identify's way there. */
export const IDENTIFY_GAP_MS = 5_500;

/**
 * Discord allows a bot one Identify per 5 s per bucket (`shard_id % max_concurrency`), whichever
 * process sends it: discord.js waits here before each Identify (its first and any fresh session
 * later) until this replica has claimed the bucket's slot in Postgres. Resumes do not wait.
 */
export class ClusterIdentifyThrottler implements IdentifyThrottler {
  constructor(
    private readonly coordination: DeploymentCoordination,
    private readonly discordBotId: string,
    private readonly maxConcurrency: number,
  ) {}

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const slot = `relay-gateway-identify:${this.discordBotId}:${shardId % Math.max(1, this.maxConcurrency)}`;
    for (;;) {
      signal.throwIfAborted();
      const waitMs = await this.coordination.claimSpaced(slot, IDENTIFY_GAP_MS);
      if (waitMs === 0) return;
      await abortableSleep(waitMs, signal);
    }
  }
}
