import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { BackendBotSettings } from '../config/relay-config';

/** RELAY_RATE_LIMIT_PER_MINUTE per backend bot (not per address): 429 with Retry-After beyond. Runs after RelayBackendGuard. */
@Injectable()
export class RelayThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(`relay:${(request.relayBackend as BackendBotSettings | undefined)?.id ?? 'anonymous'}`);
  }
}
