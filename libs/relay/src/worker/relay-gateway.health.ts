import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { RelayGateway } from './relay-gateway.service';

/** Readiness of the relay's ingest: every enabled Discord bot's gateway connection is up. Names bots by their configured id only. */
@Injectable()
export class RelayGatewayHealthIndicator {
  constructor(private readonly gateway: RelayGateway) {}

  isHealthy(key = 'relay_gateway'): HealthIndicatorResult {
    const down = this.gateway.connections.filter((c) => c.state !== 'ready').map((c) => `${c.bot.id}: ${c.state}`);
    return down.length === 0 ? { [key]: { status: 'up' } } : { [key]: { status: 'down', message: `not connected: ${down.join(', ')}` } };
  }
}
