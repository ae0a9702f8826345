import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord.js';
import type { APIOverwrite } from 'discord.js';
import { discordError, invalidChannelType, invalidFormBody, Reply, unknownMember } from '../reply';
import type { BotAccess } from '../world/bot-access';
import type { FakeBot, FakeChannel } from '../world/shapes';
import { snowflake } from '../world/snowflake';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/channels/:id`: a channel, deleting it, its permission overwrites, its threads and their members. */
export class ChannelRoutes {
  readonly routes: Route[] = [
    ['GET', /^\/channels\/(\d+)$/, ([channelId], _, { bot }) => this.getChannel(bot, channelId)],
    ['DELETE', /^\/channels\/(\d+)$/, ([channelId], _, { bot }) => this.deleteChannel(bot, channelId)],
    [
      'PUT',
      /^\/channels\/(\d+)\/permissions\/(\d+)$/,
      ([channelId, id], body, { bot }) => this.putOverwrite(bot, channelId, id, body),
    ],
    [
      'DELETE',
      /^\/channels\/(\d+)\/permissions\/(\d+)$/,
      ([channelId, id], _, { bot }) => this.deleteOverwrite(bot, channelId, id),
    ],
    ['POST', /^\/channels\/(\d+)\/threads$/, ([channelId], body, { bot }) => this.createThread(bot, channelId, body)],
    [
      'PUT',
      /^\/channels\/(\d+)\/thread-members\/(\d+)$/,
      ([threadId, userId]) => this.addThreadMember(threadId, userId),
    ],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {}

  private getChannel(bot: FakeBot, channelId: string): Reply {
    const channel = this.access.visibleChannel(bot, channelId);
    return new Reply(200, { ...channel, last_message_id: this.world.messages(channelId).at(-1)?.id ?? null });
  }

  /** DELETE /channels/:id: Manage Channels there. A category's channels stay, without a parent, as on Discord. */
  private deleteChannel(bot: FakeBot, channelId: string): Reply {
    const channel = this.world.channelOr404(channelId);
    if (channel.guild_id !== undefined)
      this.access.require(bot, channel.guild_id, PermissionFlagsBits.ManageChannels, channel);
    this.world.dropChannel(channelId);
    return new Reply(200, channel);
  }

  private putOverwrite(bot: FakeBot, channelId: string, id: string, body: Record<string, unknown>): Reply {
    const channel = this.world.channelOr404(channelId);
    if (channel.guild_id === undefined || !channel.permission_overwrites) throw invalidChannelType();
    this.access.require(bot, channel.guild_id, PermissionFlagsBits.ManageRoles, channel);
    const overwrite: APIOverwrite = {
      id,
      type: body.type === OverwriteType.Member ? OverwriteType.Member : OverwriteType.Role,
      allow: typeof body.allow === 'string' ? body.allow : '0',
      deny: typeof body.deny === 'string' ? body.deny : '0',
    };
    channel.permission_overwrites = [...channel.permission_overwrites.filter((o) => o.id !== id), overwrite];
    return new Reply(204);
  }

  private deleteOverwrite(bot: FakeBot, channelId: string, id: string): Reply {
    const channel = this.world.channelOr404(channelId);
    if (channel.guild_id === undefined) throw invalidChannelType();
    this.access.require(bot, channel.guild_id, PermissionFlagsBits.ManageRoles, channel);
    const overwrites = channel.permission_overwrites ?? [];
    if (!overwrites.some((o) => o.id === id)) throw discordError(404, 10009, 'Unknown Overwrite');
    channel.permission_overwrites = overwrites.filter((o) => o.id !== id);
    return new Reply(204);
  }

  private createThread(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const parent = this.world.channelOr404(channelId);
    const type = body.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread;
    if (parent.guild_id === undefined) throw invalidChannelType();
    this.access.require(
      bot,
      parent.guild_id,
      type === ChannelType.PrivateThread
        ? PermissionFlagsBits.CreatePrivateThreads
        : PermissionFlagsBits.CreatePublicThreads,
      parent,
    );
    if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 100) {
      throw invalidFormBody({
        name: 'name',
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
    const thread: FakeChannel = {
      id: snowflake(),
      type,
      guild_id: parent.guild_id,
      parent_id: parent.id,
      owner_id: bot.userId,
      name: body.name,
      thread_metadata: {
        archived: false,
        auto_archive_duration: typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 4320,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        ...(type === ChannelType.PrivateThread ? { invitable: body.invitable !== false } : {}),
      },
    };
    this.world.putChannel(thread);
    this.world.startThreadMembers(thread.id, bot.userId);
    return new Reply(201, thread);
  }

  private addThreadMember(threadId: string, userId: string): Reply {
    const thread = this.world.channelOr404(threadId);
    if (!this.world.keepsThreadMembers(threadId) || thread.guild_id === undefined) throw invalidChannelType();
    if (!this.world.member(thread.guild_id, userId)) throw unknownMember();
    this.world.joinThread(threadId, userId);
    return new Reply(204);
  }
}
