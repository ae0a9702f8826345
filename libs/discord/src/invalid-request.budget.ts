import type { REST } from '@discordjs/rest';
import { Logger } from '@nestjs/common';
import { RetryLaterError } from '@discord-backbone/queue';
import { countDiscordResponse } from './discord.metrics';

/** Discord bans an IP for a while after this many invalid requests in WINDOW_MS. */
export const DISCORD_INVALID_REQUEST_LIMIT = 10_000;
const WINDOW_MS = 10 * 60_000;
const SLOT_MS = 1000;
const SLOTS = WINDOW_MS / SLOT_MS;
/** How often a process adds its counts to the deployment's and reads the deployment's back. */
const SHARE_EVERY_MS = 1000;

/** Invalid requests of the deployment in the last 10 minutes, oldest first. */
export interface InvalidRequestSlot {
  /** Seconds since the slot began: it leaves the window at 600. */
  ageSeconds: number;
  count: number;
}

/**
 * The invalid-request count of every process behind the same egress address (the ban is per IP).
 * `exchange` adds this process's new counts and returns the deployment's window.
 */
export interface SharedInvalidRequestCount {
  exchange(add: number): Promise<InvalidRequestSlot[]>;
}

/**
 * Discord's requests were refused because the process has spent its invalid-request budget:
 * a wait, not a failure of the message (it is not counted as an attempt).
 */
export class DiscordInvalidRequestBudgetError extends RetryLaterError {}

/**
 * Counts the responses Discord treats as invalid requests (401, 403, and 429 except shared-scope
 * ones) in a sliding 10-minute window, for every Discord caller of the process: the ban is per
 * IP, so one budget is shared by every REST client (see `watch`). With a SharedInvalidRequestCount
 * the count is the deployment's (every replica behind the egress address adds its own, read back
 * once a second). Above `threshold` (well below Discord's 10,000) Discord calls are held back until
 * the window has room again.
 */
export class InvalidRequestBudget {
  private readonly logger = new Logger(InvalidRequestBudget.name);
  private readonly slots = new Uint32Array(SLOTS);
  private slotTime = 0; // the slot index (seconds since epoch) last written
  private total = 0;
  private warnedAt = 0;
  /** The deployment's window as last read, with what this process counted since (sent or not yet). */
  private shared: { slots: InvalidRequestSlot[]; total: number; readAt: number } | undefined;
  private unshared = 0;
  private sharing: Promise<void> | undefined;
  private lastShare = 0;

  constructor(
    readonly threshold: number,
    private readonly now: () => number = Date.now,
    /** Unset: this process's own count only. */
    private readonly deployment?: SharedInvalidRequestCount,
  ) {}

  /** Counts every response `rest` receives from now on: invalid ones into the budget, all of them in the metrics. */
  watch(rest: REST): void {
    rest.on('response', (request, response) => {
      const scope = response.headers.get('x-ratelimit-scope');
      this.record(response.status, scope);
      countDiscordResponse(request.method, request.route, response.status, scope);
      // The event hands over a clone of the response; nobody reads its body.
      const body = response.body as { cancel?: () => Promise<void> } | null;
      void body?.cancel?.().catch(() => undefined);
    });
  }

  record(status: number, scope: string | null = null): void {
    const invalid = status === 401 || status === 403 || (status === 429 && scope !== 'shared');
    if (!invalid) return;
    this.advance();
    this.slots[this.slotTime % SLOTS] += 1;
    this.total += 1;
    this.unshared += 1;
    this.share();
    const used = this.used();
    const wasOver = used - 1 >= this.threshold;
    if (used >= this.threshold && !wasOver) {
      this.logger.error({
        msg: 'Discord invalid-request budget spent: Discord calls are held back (their messages wait) until the 10-minute window has room',
        invalidRequests: used,
        threshold: this.threshold,
        discordLimit: DISCORD_INVALID_REQUEST_LIMIT,
      });
    } else if (used >= this.threshold / 2 && this.now() - this.warnedAt > 60_000) {
      this.warnedAt = this.now();
      this.logger.warn({
        msg: 'Discord invalid requests (401/403/429) are piling up',
        invalidRequests: used,
        windowMinutes: 10,
        threshold: this.threshold,
      });
    }
  }

  /** Invalid responses in the last 10 minutes: the deployment's when shared (as read at most a second ago), else this process's. */
  used(): number {
    this.advance();
    this.share();
    return Math.max(this.total, this.sharedTotal());
  }

  /**
   * Adds this process's counts to the deployment's and reads the deployment's back, now (awaited
   * at shutdown, so that nothing counted is lost) or, left to `used` and `record`, once a second.
   */
  async shareNow(): Promise<void> {
    if (!this.deployment) return;
    await this.sharing;
    const adding = this.unshared;
    this.unshared = 0;
    this.lastShare = this.now();
    try {
      const slots = await this.deployment.exchange(adding);
      this.shared = { slots, total: slots.reduce((sum, slot) => sum + slot.count, 0), readAt: this.now() };
    } catch (error) {
      this.unshared += adding; // sent again next time
      this.logger.warn({
        msg: 'Could not share the Discord invalid-request count (Postgres); counting this process’s own meanwhile',
        error: (error as Error).message,
      });
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.shareNow();
  }

  private share(): void {
    if (!this.deployment || this.sharing || this.now() - this.lastShare < SHARE_EVERY_MS) return;
    this.sharing = this.shareNow().finally(() => (this.sharing = undefined));
  }

  private sharedTotal(): number {
    if (!this.shared) return 0;
    const elapsed = (this.now() - this.shared.readAt) / 1000;
    const left = this.shared.slots
      .filter((slot) => slot.ageSeconds + elapsed < WINDOW_MS / 1000)
      .reduce((sum, slot) => sum + slot.count, 0);
    return left + this.unshared;
  }

  exhausted(): boolean {
    return this.used() >= this.threshold;
  }

  /** Throws DiscordInvalidRequestBudgetError while the budget is spent, with the time until it has room. */
  assertAvailable(): void {
    const used = this.used();
    if (used < this.threshold) return;
    // The oldest counts leave the window first: wait until enough of them have.
    let excess = used - this.threshold + 1;
    let seconds = 0;
    if (this.total >= this.sharedTotal()) {
      for (let age = SLOTS - 1; age >= 0 && excess > 0; age--) {
        excess -= this.slots[(this.slotTime - age + SLOTS) % SLOTS];
        seconds = SLOTS - age;
      }
    } else {
      const elapsed = (this.now() - this.shared!.readAt) / 1000;
      for (const slot of this.shared!.slots) {
        if (excess <= 0) break;
        excess -= slot.count;
        seconds = Math.ceil(WINDOW_MS / 1000 - slot.ageSeconds - elapsed);
      }
    }
    throw new DiscordInvalidRequestBudgetError(
      `Discord calls held back: ${used} invalid requests (401/403/429) in the last 10 minutes, at or above the budget of ${this.threshold} (Discord bans the IP at ${DISCORD_INVALID_REQUEST_LIMIT})`,
      Math.max(1, seconds),
    );
  }

  /** Empties the slots that fell out of the window since the last call. */
  private advance(): void {
    const current = Math.floor(this.now() / SLOT_MS);
    if (current === this.slotTime) return;
    const elapsed = Math.min(SLOTS, current - this.slotTime);
    for (let i = 1; i <= elapsed; i++) {
      const slot = (this.slotTime + i) % SLOTS;
      this.total -= this.slots[slot];
      this.slots[slot] = 0;
    }
    this.slotTime = current;
  }
}
