import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  DeadQueryDto,
  DeadResponse,
  ExtendRequestDto,
  LeaseRequestDto,
  LeaseResponse,
  NackRequestDto,
  PendingQueryDto,
  PendingResponse,
  ReceiptResults,
  ReceiptsDto,
  RedriveRequestDto,
  RedriveResponse,
  SendMessageRequestDto,
  SendResponse,
} from '@discord-backbone/contracts';
import type { BackendBotSettings } from '../config/relay-config';
import { DeliveryStore } from './delivery.store';
import { LeaseService } from './lease.service';
import { OutboundSender } from './outbound.sender';
import { RelayHttpException } from './relay-http.exception';
import { Backend, RelayRoutes } from './relay-route.decorator';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@Controller('v1/messages')
@RelayRoutes()
export class RelayMessagesController {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly leases: LeaseService,
    private readonly sender: OutboundSender,
  ) {}

  /** The plan's MVP: pending messages, marked delivered as they are returned (consume-on-read). */
  @Get('pending')
  async pending(@Backend() backend: BackendBotSettings, @Query() query: PendingQueryDto): Promise<PendingResponse> {
    return { messages: await this.deliveries.consume(backend, query.limit) };
  }

  @Post('lease')
  @HttpCode(200)
  async lease(@Backend() backend: BackendBotSettings, @Body() body: LeaseRequestDto, @Res({ passthrough: true }) response: Response): Promise<LeaseResponse> {
    // A client that goes away stops waiting; anything leased meanwhile comes back when its lease expires.
    const gone = new AbortController();
    response.once('close', () => {
      if (!response.writableEnded) gone.abort();
    });
    return { messages: await this.leases.lease(backend, body, gone.signal) };
  }

  @Post('ack')
  @HttpCode(200)
  ack(@Backend() backend: BackendBotSettings, @Body() body: ReceiptsDto, @Res({ passthrough: true }) response: Response): Promise<ReceiptResults> {
    return this.settle(backend, body.receipts, { ack: true }, response);
  }

  @Post('nack')
  @HttpCode(200)
  nack(@Backend() backend: BackendBotSettings, @Body() body: NackRequestDto, @Res({ passthrough: true }) response: Response): Promise<ReceiptResults> {
    return this.settle(backend, body.receipts, { nack: body.delay_seconds, maxDeliveries: backend.maxDeliveries }, response);
  }

  @Post('extend')
  @HttpCode(200)
  extend(@Backend() backend: BackendBotSettings, @Body() body: ExtendRequestDto, @Res({ passthrough: true }) response: Response): Promise<ReceiptResults> {
    return this.settle(backend, body.receipts, { extend: body.visibility_seconds }, response);
  }

  @Post('send')
  @HttpCode(200)
  send(@Backend() backend: BackendBotSettings, @Body() body: SendMessageRequestDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<SendResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new RelayHttpException(400, 'Idempotency-Key must be 1–255 printable ASCII characters');
    }
    return this.sender.send(backend, body, idempotencyKey);
  }

  /** Per-item results; 409 when any receipt was stale (its lease expired and the delivery was leased again): the others were applied. */
  private async settle(backend: BackendBotSettings, receipts: string[], settlement: Parameters<DeliveryStore['settle']>[2], response: Response): Promise<ReceiptResults> {
    const results = await this.deliveries.settle(backend, receipts, settlement);
    if (results.some((r) => r.result === 'stale_receipt')) response.status(409);
    return { results };
  }
}

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
      throw new RelayHttpException(400, 'Give delivery_ids (the dead deliveries to redrive) or "all": true (every one), exactly one of the two');
    }
    return { redriven: await this.deliveries.redrive(backend, body.all ? undefined : body.delivery_ids) };
  }
}

/** Liveness for backend bots; like every /v1 route it needs a backend bot's key (and proves it works). */
@Controller('v1/health')
@RelayRoutes()
export class RelayHealthController {
  @Get()
  health(@Backend() backend: BackendBotSettings): { status: 'ok'; backend_bot_id: string } {
    return { status: 'ok', backend_bot_id: backend.id };
  }
}
