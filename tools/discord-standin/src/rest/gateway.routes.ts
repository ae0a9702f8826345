import type { FakeGateway } from '../fake-gateway';
import { discordError, Reply } from '../reply';
import type { Route } from './route';

/** `GET /gateway/bot`: where discord.js finds the gateway, once it is started. */
export class GatewayRoutes {
  readonly routes: Route[] = [['GET', /^\/gateway\/bot$/, () => this.gatewayInfo()]];

  constructor(
    /** The gateway; undefined until it is started. */
    private readonly gateway: () => FakeGateway | undefined,
  ) {}

  private gatewayInfo(): Reply {
    const gateway = this.gateway();
    if (!gateway) return discordError(404, 0, '404: Not Found (the fake has no gateway: call startGateway())');
    return new Reply(200, { url: gateway.url, shards: 1, session_start_limit: gateway.sessionStartLimit });
  }
}
