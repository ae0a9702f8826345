import type { IncomingHttpHeaders } from 'node:http';
import { CanActivate, ExecutionContext, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { CAMPAIGNS_API_OPTIONS, CampaignsApiOptions } from './campaigns-api.options';
import { DiscordSignatureVerifier } from './discord-signature';

/**
 * Lets a request through only when Discord signed it (see DiscordSignatureVerifier): anything
 * else is 401, before the handler reads a byte of it. Discord itself sends badly signed requests
 * now and then to check that the endpoint refuses them.
 */
@Injectable()
export class DiscordSignatureGuard implements CanActivate {
  private readonly logger = new Logger(DiscordSignatureGuard.name);
  private readonly verifier: DiscordSignatureVerifier;

  constructor(@Inject(CAMPAIGNS_API_OPTIONS) options: CampaignsApiOptions) {
    this.verifier = new DiscordSignatureVerifier(options.publicKey);
  }

  canActivate(context: ExecutionContext): boolean {
    // rawBody: the exact bytes, kept by the app's body reading (Nest's `rawBody: true` on a host).
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; rawBody?: Buffer }>();
    const check = this.verifier.check(
      single(request.headers['x-signature-ed25519']),
      single(request.headers['x-signature-timestamp']),
      request.rawBody,
    );
    if (!check.valid) {
      this.logger.debug({ msg: 'Interaction refused', reason: check.reason });
      throw new UnauthorizedException('Invalid request signature');
    }
    return true;
  }
}

/** A header sent once; a repeated one is no signature. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
