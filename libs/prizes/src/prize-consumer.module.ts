import { Module } from '@nestjs/common';
import { PrizeEventConsumer } from './prize-event.consumer';
import { PrizeEventRoute } from './prize-event.route';
import { PrizesModule } from './prizes.module';

/** The worker side: consumes the prize queue. Needs QueueModule with a `prize-distribution` consumer. */
@Module({
  imports: [PrizesModule],
  providers: [PrizeEventRoute, PrizeEventConsumer],
})
export class PrizeConsumerModule {}
