import { PermissionFlagsBits } from 'discord.js';
import { invalidChannelType, Reply } from '../reply';
import type { BotAccess } from '../world/bot-access';
import type { FakeBot, FakeInvite } from '../world/shapes';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `POST /channels/:id/invites`: an invite to a guild channel, kept in FakeWorld.invites. */
export class InviteRoutes {
  readonly routes: Route[] = [
    ['POST', /^\/channels\/(\d+)\/invites$/, ([channelId], body, { bot }) => this.createInvite(bot, channelId, body)],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {}

  private createInvite(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const channel = this.world.channelOr404(channelId);
    if (channel.guild_id === undefined) throw invalidChannelType();
    this.access.require(bot, channel.guild_id, PermissionFlagsBits.CreateInstantInvite, channel);
    const invite: FakeInvite = {
      code: Math.random().toString(36).slice(2, 10),
      channelId,
      max_age: typeof body.max_age === 'number' ? body.max_age : 86400,
      max_uses: typeof body.max_uses === 'number' ? body.max_uses : 0,
      unique: body.unique === true,
    };
    this.world.invites.push(invite);
    const guild = this.world.guild(channel.guild_id);
    return new Reply(200, {
      code: invite.code,
      type: 0,
      guild: { id: guild.id, name: guild.name },
      channel: { id: channel.id, name: channel.name, type: channel.type },
      inviter: this.world.person(bot.userId, true),
      uses: 0,
      max_uses: invite.max_uses,
      max_age: invite.max_age,
      temporary: false,
      created_at: new Date().toISOString(),
    });
  }
}
