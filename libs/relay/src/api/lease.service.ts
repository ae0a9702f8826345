import { Injectable } from '@nestjs/common';
import type { LeasedMessage, LeaseRequestDto } from '@discord-backbone/contracts';
import type { BackendBotSettings } from '../config/relay-settings';
import { DeliveryNotifier } from './delivery.notifier';
import { DeliveryStore } from './delivery.store';

/**
 * POST /v1/messages/lease with long polling: when nothing is available the request waits — for a
 * NOTIFY of a new delivery for its backend, for the moment a known delivery becomes available (a
 * nack's delay, an expiring lease), or for its deadline — and tries again. No polling loop.
 */
@Injectable()
export class LeaseService {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly notifier: DeliveryNotifier,
  ) {}

  async lease(backend: BackendBotSettings, request: LeaseRequestDto, signal: AbortSignal): Promise<LeasedMessage[]> {
    const deadline = Date.now() + request.wait_seconds * 1000;
    for (;;) {
      // Read before the query: a notification arriving after it makes the wait return at once.
      const generation = this.notifier.generation(backend.id);
      const leased = await this.deliveries.lease(backend, request.limit, request.visibility_seconds);
      const left = deadline - Date.now();
      if (leased.length > 0 || left <= 0 || signal.aborted || this.notifier.closing) return leased;
      const next = await this.deliveries.nextAvailableInMs(backend);
      await this.notifier.wait(
        backend.id,
        generation,
        next === null ? left : Math.min(left, Math.max(next, 10)),
        signal,
      );
      if (signal.aborted) return [];
    }
  }
}
