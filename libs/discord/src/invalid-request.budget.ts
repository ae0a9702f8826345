import { Logger } from '@nestjs/common';
import type { REST } from 'discord.js';
import { RetryLaterError } from '@discord-backbone/queue';
import { countDiscordResponse } from './discord.metrics';

/** Discord bans an IP for a while after this many invalid requests in WINDOW_MS. */
export const DISCORD_INVALID_REQUEST_LIMIT = 10_000;
const WINDOW_MS = 10 * 60_000;
const SLOT_MS = 1000;
const SLOTS = WINDOW_MS / SLOT_MS;

/**
 * Discord's requests were refused because the process has spent its invalid-request budget:
 * a wait, not a failure of the message (it is not counted as an attempt).
 */
export class DiscordInvalidRequestBudgetError extends RetryLaterError {}

/**
 * Counts the responses Discord treats as invalid requests (401, 403, and 429 except shared-scope
 * ones) in a sliding 10-minute window, for every Discord caller of the process: the ban is per
 * IP, so one budget is shared by every REST client (see `watch`). Above `threshold` (well below
 * Discord's 10,000) Discord calls are held back until the window has room again.
 */
export class InvalidRequestBudget {
  private readonly logger = new Logger(InvalidRequestBudget.name);
  private readonly slots = new Uint32Array(SLOTS);
  private slotTime = 0; // the slot index (seconds since epoch) last written
  private total = 0;
  private warnedAt = 0;

  constructor(
    readonly threshold: number,
    private readonly now: () => number = Date.now,
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
    const wasOver = this.total - 1 >= this.threshold;
    if (this.total >= this.threshold && !wasOver) {
      this.logger.error({
        msg: 'Discord invalid-request budget spent: Discord calls are held back (their messages wait) until the 10-minute window has room',
        invalidRequests: this.total,
        threshold: this.threshold,
        discordLimit: DISCORD_INVALID_REQUEST_LIMIT,
      });
    } else if (this.total >= this.threshold / 2 && this.now() - this.warnedAt > 60_000) {
      this.warnedAt = this.now();
      this.logger.warn({ msg: 'Discord invalid requests (401/403/429) are piling up', invalidRequests: this.total, windowMinutes: 10, threshold: this.threshold });
    }
  }

  /** Invalid responses in the last 10 minutes. */
  used(): number {
    this.advance();
    return this.total;
  }

  exhausted(): boolean {
    return this.used() >= this.threshold;
  }

  /** Throws DiscordInvalidRequestBudgetError while the budget is spent, with the time until it has room. */
  assertAvailable(): void {
    if (!this.exhausted()) return;
    // The oldest counts leave the window first: wait until enough of them have.
    let excess = this.total - this.threshold + 1;
    let seconds = 0;
    for (let age = SLOTS - 1; age >= 0 && excess > 0; age--) {
      excess -= this.slots[(this.slotTime - age + SLOTS) % SLOTS];
      seconds = SLOTS - age;
    }
    throw new DiscordInvalidRequestBudgetError(
      `Discord calls held back: ${this.total} invalid requests (401/403/429) in the last 10 minutes, at or above the budget of ${this.threshold} (Discord bans the IP at ${DISCORD_INVALID_REQUEST_LIMIT})`,
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
