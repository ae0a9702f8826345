import type { BackfillResult, DropFloors } from './gateway-backfill';

/**
 * Where the live messages dropped while Postgres was down must be backfilled from: per channel,
 * just before the oldest message dropped there since a backfill last recovered it.
 */
export class DroppedMessages {
  private readonly floors = new Map<string, { after: bigint; isDm: boolean }>();

  get channels(): string[] {
    return [...this.floors.keys()];
  }

  add(channelId: string, messageId: string, isDm: boolean): void {
    const after = BigInt(messageId) - 1n;
    const floor = this.floors.get(channelId);
    // Always a new entry, even when the floor stays: forget() tells by identity that more were dropped during a backfill.
    this.floors.set(channelId, { after: floor && floor.after < after ? floor.after : after, isDm });
  }

  /** The floors a backfill starts from; hand the same map to forget() when it is done. */
  snapshot(): DropFloors {
    return new Map(this.floors);
  }

  /**
   * After a backfill from `snapshot`: a channel it fetched to the end is recovered, unless more
   * were dropped there meanwhile (a new entry); one stopped at the cap keeps its floor at the last
   * message fetched. Returns whether another backfill should run now (a failed channel waits for
   * the next trigger, so that a channel Discord refuses is not retried in a loop).
   */
  forget(snapshot: DropFloors, result: Pick<BackfillResult, 'capped' | 'failed'>): boolean {
    for (const [channelId, floor] of snapshot) {
      if (result.failed.includes(channelId) || this.floors.get(channelId) !== floor) continue;
      const capped = result.capped.find((c) => c.channelId === channelId);
      if (capped) this.floors.set(channelId, { after: BigInt(capped.lastFetchedId), isDm: floor.isDm });
      else this.floors.delete(channelId);
    }
    return [...this.floors.keys()].some((channelId) => !result.failed.includes(channelId));
  }

  get size(): number {
    return this.floors.size;
  }
}
