import { Controller, Get } from '@nestjs/common';
import { PublicRoute } from '@discord-backbone/auth';

@Controller('health')
export class HealthController {
  @Get()
  @PublicRoute({ reason: 'the orchestrator probes it' })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
