import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { RelayGateway } from './relay-gateway.service';

/**
 * Readiness of the relay's ingest: every enabled Discord bot's gateway session is up here, or held
 * by another replica (this one stands by, ready to take over). Names bots by their configured id only.
 */
@Injectable()
export class RelayGatewayHealthIndicator {
  constructor(private readonly gateway: RelayGateway) {}

  isHealthy(key = 'relay_gateway'): HealthIndicatorResult {
    const down = this.gateway.bots
      .filter((b) => b.state !== 'ready' && b.state !== 'standby')
      .map((b) =>
        b.sessionLimitResetAt
          ? `${b.bot.id}: daily session start limit used up until ${b.sessionLimitResetAt.toISOString()}`
          : `${b.bot.id}: ${b.state}`,
      );
    return down.length === 0
      ? { [key]: { status: 'up' } }
      : { [key]: { status: 'down', message: `not connected: ${down.join(', ')}` } };
  }
}
