import { Controller, Get } from '@nestjs/common';
import type { BackendBotSettings } from '../config/relay-settings';
import { Backend, RelayRoutes } from './relay-route.decorator';

/** Liveness for backend bots; like every /v1 route it needs a backend bot's key (and proves it works). */
@Controller('v1/health')
@RelayRoutes()
export class RelayHealthController {
  @Get()
  health(@Backend() backend: BackendBotSettings): { status: 'ok'; backend_bot_id: string } {
    return { status: 'ok', backend_bot_id: backend.id };
  }
}
