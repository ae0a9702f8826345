import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DeadQueryDto, DeadResponse, RedriveRequestDto, RedriveResponse } from '@discord-backbone/contracts';
import type { BackendBotSettings } from '../config/relay-settings';
import { DeliveryStore } from './delivery.store';
import { RelayHttpException } from './relay-http.exception';
import { Backend, RelayRoutes } from './relay-route.decorator';

/** /v1/dead: a backend bot's dead deliveries, listed and redriven. */
@Controller('v1/dead')
@RelayRoutes()
export class RelayDeadController {
  constructor(private readonly deliveries: DeliveryStore) {}

  /** Deliveries handed out max_deliveries times without an ack. */
  @Get()
  async list(@Backend() backend: BackendBotSettings, @Query() query: DeadQueryDto): Promise<DeadResponse> {
    return { messages: await this.deliveries.dead(backend, query.limit) };
  }

  /** Back to pending: these (`delivery_ids`) or, only when asked for explicitly (`"all": true`), all of the backend's dead deliveries. */
  @Post('redrive')
  @HttpCode(200)
  async redrive(@Backend() backend: BackendBotSettings, @Body() body: RedriveRequestDto): Promise<RedriveResponse> {
    if ((body.delivery_ids === undefined) === (body.all === undefined)) {
      throw new RelayHttpException(
        400,
        'Give delivery_ids (the dead deliveries to redrive) or "all": true (every one), exactly one of the two',
      );
    }
    return { redriven: await this.deliveries.redrive(backend, body.all ? undefined : body.delivery_ids) };
  }
}
