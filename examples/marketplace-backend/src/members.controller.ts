import { Body, Controller, Post } from '@nestjs/common';
import { BotQueueProducer } from '@discord-backbone/bot-operations';
import { Pool } from 'pg';
import { readSettings } from './settings';

interface InviteBody {
  discordUserId: string;
  channelId: string;
  subscriptionId: string;
}

/**
 * A marketplace service that grants a member access on Discord. Here the transaction is a plain
 * `pg` client's (the producers take either kind), to show the duck-typed seam.
 */
@Controller('members')
export class MembersController {
  private readonly pool = new Pool({ connectionString: readSettings().databaseUrl, max: 2 });

  constructor(private readonly bot: BotQueueProducer) {}

  @Post('invite')
  async invite(@Body() body: InviteBody): Promise<{ operationId: string }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const queued = await this.bot.enqueueInviteUser(client, body);
      await client.query('COMMIT');
      return { operationId: queued.operationId };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
