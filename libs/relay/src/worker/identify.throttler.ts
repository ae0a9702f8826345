import type { WebSocketOptions } from 'discord.js';
import type { DeploymentCoordination } from '@discord-backbone/prisma';
import { exponentialBackoff } from '@discord-backbone/queue';
import { abortableSleep } from './gateway-backfill';

type IdentifyThrottler = Awaited<ReturnType<NonNullable<WebSocketOptions['buildIdentifyThrottler']>>>;

/** Discord's spacing of Identifies per rate-limit bucket of a bot (5 s), measured at its end: half a second more for the Identify's way there. */
export const IDENTIFY_GAP_MS = 5_500;

/** Retry waits when Postgres cannot be asked for the slot: from 0.5 s up to 10 s. */
const CLAIM_RETRY_BASE_MS = 500;
const CLAIM_RETRY_MAX_MS = 10_000;

/**
 * Discord allows a bot one Identify per 5 s per bucket (`shard_id % max_concurrency`), whichever
 * process sends it: discord.js waits here before each Identify (its first and any fresh session
 * later) until this replica has claimed the bucket's slot in Postgres. Resumes do not wait.
 *
 * It never throws but for the shard's abort: @discordjs/ws answers any other error by destroying the
 * shard to resume and identifying at once, unspaced, in a loop while Postgres is away (or closing at
 * shutdown). A failed claim is retried after a growing wait instead.
 */
export class ClusterIdentifyThrottler implements IdentifyThrottler {
  constructor(
    private readonly coordination: DeploymentCoordination,
    private readonly discordBotId: string,
    private readonly maxConcurrency: number,
  ) {}

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const slot = `relay-gateway-identify:${this.discordBotId}:${shardId % Math.max(1, this.maxConcurrency)}`;
    for (let failures = 0; ;) {
      signal.throwIfAborted();
      let waitMs: number;
      try {
        waitMs = await this.coordination.claimSpaced(slot, IDENTIFY_GAP_MS);
        failures = 0;
      } catch {
        waitMs = exponentialBackoff(failures++, CLAIM_RETRY_BASE_MS, CLAIM_RETRY_MAX_MS);
      }
      if (waitMs === 0) return;
      await abortableSleep(waitMs, signal);
    }
  }
}
