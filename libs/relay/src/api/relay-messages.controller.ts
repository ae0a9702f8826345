import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ExtendRequestDto,
  LeaseRequestDto,
  LeaseResponse,
  NackRequestDto,
  PendingQueryDto,
  PendingResponse,
  ReceiptResults,
  ReceiptsDto,
  SendMessageRequestDto,
  SendResponse,
} from '@discord-backbone/contracts';
import type { BackendBotSettings } from '../config/relay-settings';
import { DeliveryStore } from './delivery.store';
import { LeaseService } from './lease.service';
import { OutboundSender } from './outbound.sender';
import { RelayHttpException } from './relay-http.exception';
import { Backend, RelayRoutes } from './relay-route.decorator';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The response as the app's HTTP adapter hands it over: Express's is Node's own, Fastify's reply wraps it. */
type Response = ServerResponse | { raw: ServerResponse };

/** /v1/messages: a backend bot's deliveries (pending, lease, ack, nack, extend) and its sends. */
@Controller('v1/messages')
@RelayRoutes()
export class RelayMessagesController {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly leases: LeaseService,
    private readonly sender: OutboundSender,
    private readonly http: HttpAdapterHost,
  ) {}

  /** The plan's MVP: pending messages, marked delivered as they are returned (consume-on-read). */
  @Get('pending')
  async pending(@Backend() backend: BackendBotSettings, @Query() query: PendingQueryDto): Promise<PendingResponse> {
    return { messages: await this.deliveries.consume(backend, query.limit) };
  }

  @Post('lease')
  @HttpCode(200)
  async lease(
    @Backend() backend: BackendBotSettings,
    @Body() body: LeaseRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeaseResponse> {
    // A client that goes away stops waiting; anything leased meanwhile comes back when its lease expires.
    const gone = new AbortController();
    const node = 'raw' in response ? response.raw : response;
    node.once('close', () => {
      if (!node.writableEnded) gone.abort();
    });
    return { messages: await this.leases.lease(backend, body, gone.signal) };
  }

  @Post('ack')
  @HttpCode(200)
  ack(
    @Backend() backend: BackendBotSettings,
    @Body() body: ReceiptsDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReceiptResults> {
    return this.settle(backend, body.receipts, { ack: true }, response);
  }

  @Post('nack')
  @HttpCode(200)
  nack(
    @Backend() backend: BackendBotSettings,
    @Body() body: NackRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReceiptResults> {
    return this.settle(
      backend,
      body.receipts,
      { nack: body.delay_seconds, maxDeliveries: backend.maxDeliveries },
      response,
    );
  }

  @Post('extend')
  @HttpCode(200)
  extend(
    @Backend() backend: BackendBotSettings,
    @Body() body: ExtendRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReceiptResults> {
    return this.settle(backend, body.receipts, { extend: body.visibility_seconds }, response);
  }

  @Post('send')
  @HttpCode(200)
  send(
    @Backend() backend: BackendBotSettings,
    @Body() body: SendMessageRequestDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SendResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new RelayHttpException(400, 'Idempotency-Key must be 1–255 printable ASCII characters');
    }
    return this.sender.send(backend, body, idempotencyKey);
  }

  /** Per-item results; 409 when any receipt was stale (its lease expired and the delivery was leased again): the others were applied. */
  private async settle(
    backend: BackendBotSettings,
    receipts: string[],
    settlement: Parameters<DeliveryStore['settle']>[2],
    response: Response,
  ): Promise<ReceiptResults> {
    const results = await this.deliveries.settle(backend, receipts, settlement);
    if (results.some((r) => r.result === 'stale_receipt')) this.http.httpAdapter.status(response, 409);
    return { results };
  }
}
