import { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './permissions';
import { FakeGuild, FakeRole, role } from './shapes';
import { snowflake, snowflakeAt } from './snowflake';

/** The roles a new guild is given (FakeWorld.addGuild): `createdAt` (default now) is the creation time their snowflakes carry. */
export interface WantedRole {
  id?: string;
  name?: string;
  permissions: bigint;
  aboveBot?: boolean;
  createdAt?: Date;
}

/**
 * A new guild's roles, ranked as Discord ranks them: @everyone (the guild's id) at 0, the `wanted`
 * roles below the bot's role (as Discord requires for the bot to grant them), those with
 * `aboveBot` above it. `extra` are the wanted roles, in the order given.
 */
export function guildRoles(
  guildId: string,
  botRoleId: string,
  options: { wanted: WantedRole[]; everyonePermissions?: bigint; botPermissions?: bigint },
): { roles: FakeRole[]; extra: FakeRole[] } {
  const { wanted } = options;
  const botPosition = wanted.filter((r) => !r.aboveBot).length + 1;
  const below = wanted.filter((r) => !r.aboveBot);
  const above = wanted.filter((r) => r.aboveBot);
  const position = (r: WantedRole) => (r.aboveBot ? botPosition + 1 + above.indexOf(r) : below.indexOf(r) + 1);
  const extra = wanted.map((r, i) =>
    role(
      r.id ?? (r.createdAt ? snowflakeAt(r.createdAt) : snowflake()),
      r.name ?? `role ${i + 1}`,
      position(r),
      r.permissions,
    ),
  );
  const roles = [
    role(guildId, '@everyone', 0, options.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
    ...extra,
    role(botRoleId, 'bot', botPosition, options.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
  ];
  return { roles, extra };
}

/** A role ranked just above @everyone; those above move up one. */
export function insertRole(
  guild: FakeGuild,
  name: string,
  permissions: bigint,
  mentionable: boolean,
  id: string = snowflake(),
): FakeRole {
  for (const existing of guild.roles) if (existing.position >= 1) existing.position += 1;
  const inserted = role(id, name, 1, permissions, mentionable);
  guild.roles.push(inserted);
  return inserted;
}
