import { Module } from '@nestjs/common';
import { PrizeEventConsumer } from './prize-event.consumer';
import { PrizeEventRoute } from './prize-event.route';

/** The worker side: consumes the prize queue. Needs PrizesModule.forRoot() and QueueModule with a `prize-distribution` consumer. */
@Module({
  providers: [PrizeEventRoute, PrizeEventConsumer],
})
export class PrizeConsumerModule {}
