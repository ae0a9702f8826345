import { Module } from '@nestjs/common';

/** Worker side: consumes DISCORD_QUEUE_URL and acts on Discord. Needs QueueModule and DiscordModule. */
@Module({})
export class DiscordRequestConsumerModule {}
