import { Body, Controller, NotFoundException, Post } from '@nestjs/common';
import { Pool } from 'pg';
import { BotQueueProducer } from '@discord-backbone/bot-operations';
import { readSettings } from './settings';

interface InviteBody {
  /** Our user (who must have linked a Discord account). */
  userId: string;
  /** One of our discord_channels. */
  channelId: string;
}

/**
 * A marketplace service that grants a member access on Discord: it records the membership and
 * stages the invite in one transaction, here a plain `pg` client's (the producers take either
 * kind), to show the duck-typed seam. The backbone's worker then reads our discord_channels and
 * memberships (its HOST_*_TABLE settings) and grants the channel's role.
 */
@Controller('members')
export class MembersController {
  private readonly pool = new Pool({ connectionString: readSettings().databaseUrl, max: 2 });

  constructor(private readonly bot: BotQueueProducer) {}

  @Post('invite')
  async invite(@Body() body: InviteBody): Promise<{ membershipId: string; operationId: string }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: users } = await client.query<{ discord_id: string | null }>(
        'SELECT discord_id FROM public.users WHERE id = $1',
        [body.userId],
      );
      const discordUserId = users[0]?.discord_id;
      if (!discordUserId) throw new NotFoundException(`No user ${body.userId} with a linked Discord account`);
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO public.memberships (id, user_id, channel_id, status) VALUES (gen_random_uuid()::text, $1, $2, 'active') RETURNING id",
        [body.userId, body.channelId],
      );
      const membershipId = rows[0].id;
      const queued = await this.bot.enqueueInviteUser(client, {
        discordUserId,
        channelId: body.channelId,
        subscriptionId: membershipId,
      });
      await client.query('COMMIT');
      return { membershipId, operationId: queued.operationId };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
