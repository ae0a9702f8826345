import { Logger } from '@nestjs/common';
import { DiscordUnauthorizedError } from './discord.errors';

/** Since when, and with what answer, Discord has been rejecting the bot token. */
export interface TokenRejection {
  since: Date;
  /** The error of the call that found out (no token in it). */
  error: string;
}

/** A rejection in force, with when the token is next tried. */
export type OpenRejection = TokenRejection & { nextTryAt: number };

/**
 * A 401 means Discord rejects the bot token, for every call: the breaker remembers it (which
 * DiscordHealthIndicator reports), logs it once, and fails every bot call at once with
 * DiscordUnauthorizedError, so that messages wait on their queues instead of being dead-lettered.
 * Every `retryMs` one call is let through to try the token again (@discordjs/rest drops it after a
 * 401, so `restoreToken` gives it back first); an answer other than 401 ends the rejection.
 */
export class BotTokenBreaker {
  private readonly logger = new Logger(BotTokenBreaker.name);
  private open: OpenRejection | undefined;

  constructor(
    private readonly retryMs: number,
    private readonly restoreToken: () => void,
  ) {}

  /** Set while Discord rejects the bot token (after a 401, until a call succeeds with it again). */
  rejection(): TokenRejection | undefined {
    return this.open && { since: this.open.since, error: this.open.error };
  }

  /** The rejection in force as a call starts: what `letThrough` and `answered` are given for that call. */
  current(): OpenRejection | undefined {
    return this.open;
  }

  /**
   * While the token is rejected: throws, unless it is time to try the token again, in which case
   * this call is the one that tries (the next try is pushed back at once, so concurrent calls
   * keep failing fast instead of all trying).
   */
  letThrough(rejection: OpenRejection): void {
    if (Date.now() < rejection.nextTryAt) {
      throw new DiscordUnauthorizedError(
        `Discord has rejected the bot token since ${rejection.since.toISOString()} (401); not sent, tried again within ${Math.ceil(this.retryMs / 1000)} s`,
        this.retryMs / 1000,
      );
    }
    rejection.nextTryAt = Date.now() + this.retryMs;
    this.restoreToken();
  }

  /** Ends the rejection when the call that tried the token again got an answer other than 401. */
  answered(tried: OpenRejection | undefined): void {
    if (tried && this.open === tried) {
      this.open = undefined;
      // A 401 to an older call may have made discord.js drop the token again meanwhile.
      this.restoreToken();
      this.logger.log({ msg: 'Discord accepts the bot token again', rejectedSince: tried.since.toISOString() });
    }
  }

  /** Records (and logs, once) that the token is rejected; the error to throw, with the breaker's retry delay. */
  rejected(error: DiscordUnauthorizedError): DiscordUnauthorizedError {
    if (!this.open) {
      this.open = { since: new Date(), error: error.message, nextTryAt: Date.now() + this.retryMs };
      this.logger.error({
        msg: 'Discord rejects the bot token (401): Discord calls fail and their messages wait on their queues; /health/ready is down until the token is accepted',
        error: error.message,
        retryEverySeconds: this.retryMs / 1000,
      });
    }
    return error.retryAfterSeconds === this.retryMs / 1000
      ? error
      : new DiscordUnauthorizedError(error.message, this.retryMs / 1000);
  }
}
