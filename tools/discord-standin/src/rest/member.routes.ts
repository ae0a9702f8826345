import { PermissionFlagsBits } from 'discord.js';
import { Reply, unknownMember, unknownRole } from '../reply';
import type { BotAccess } from '../world/bot-access';
import { memberView } from '../world/shapes';
import type { FakeBot } from '../world/shapes';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/guilds/:id/members/:id`: a member, kicking them, and their roles. */
export class MemberRoutes {
  readonly routes: Route[] = [
    [
      'GET',
      /^\/guilds\/(\d+)\/members\/(\d+)$/,
      ([guildId, userId]) => new Reply(200, this.memberJson(guildId, userId)),
    ],
    ['DELETE', /^\/guilds\/(\d+)\/members\/(\d+)$/, ([guildId, userId], _, { bot }) => this.kick(bot, guildId, userId)],
    [
      'PUT',
      /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/,
      ([g, u, r], _, { bot }) => this.setRole(bot, g, u, r, true),
    ],
    [
      'DELETE',
      /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/,
      ([g, u, r], _, { bot }) => this.setRole(bot, g, u, r, false),
    ],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {}

  private memberJson(guildId: string, userId: string) {
    const member = this.world.memberOr404(guildId, userId);
    return memberView(this.world.person(userId, this.world.botByUserId(userId) !== undefined), member);
  }

  private kick(bot: FakeBot, guildId: string, userId: string): Reply {
    if (!this.world.member(this.world.guild(guildId).id, userId)) throw unknownMember();
    this.access.require(bot, guildId, PermissionFlagsBits.KickMembers);
    this.world.removeMember(guildId, userId);
    this.world.kicked.push({ guildId, userId });
    return new Reply(204);
  }

  private setRole(bot: FakeBot, guildId: string, userId: string, roleId: string, add: boolean): Reply {
    const guild = this.world.guild(guildId);
    const member = this.world.member(guildId, userId);
    if (!member) throw unknownMember();
    if (!guild.roles.some((r) => r.id === roleId)) throw unknownRole();
    this.access.require(bot, guildId, PermissionFlagsBits.ManageRoles);
    this.access.requireBelowTopRole(bot, guild, roleId);
    member.roles = add ? [...new Set([...member.roles, roleId])] : member.roles.filter((r) => r !== roleId);
    return new Reply(204);
  }
}
