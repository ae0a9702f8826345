import { Module } from '@nestjs/common';

/** Worker side: consumes the bot operations FIFO queue. Needs QueueModule and DiscordModule. */
@Module({})
export class BotOperationsConsumerModule {}
