import { discordError, invalidFormBody, Reply } from '../reply';
import { snowflake } from '../world/snowflake';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/applications`: the default bot's application and its slash commands (bulk overwrite, global or per guild). */
export class ApplicationRoutes {
  readonly routes: Route[] = [
    ['GET', /^\/applications\/@me$/, () => new Reply(200, this.application())],
    [
      'PUT',
      /^\/applications\/(\d+)\/commands$/,
      ([applicationId], body) => this.putCommands(applicationId, 'global', body),
    ],
    [
      'PUT',
      /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
      ([applicationId, guildId], body) => this.putCommands(applicationId, guildId, body),
    ],
  ];

  constructor(
    private readonly world: FakeWorld,
    /** What the app verifies interactions with (the developer portal's public key, hex). */
    private readonly publicKey: string,
  ) {}

  private application() {
    const bot = this.world.person(this.world.applicationBot.userId, true);
    return {
      id: this.world.applicationId,
      name: 'Fake application',
      description: '',
      icon: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: this.publicKey,
      flags: 0,
      bot,
    };
  }

  /** Bulk overwrite: the scope's commands become exactly these. */
  private putCommands(applicationId: string, scope: string, body: unknown): Reply {
    if (applicationId !== this.world.applicationId) throw discordError(403, 50001, 'Missing Access');
    if (scope !== 'global') this.world.guild(scope);
    if (!Array.isArray(body)) throw invalidFormBody();
    const commands = (body as Record<string, unknown>[]).map((command) => ({
      ...command,
      id: snowflake(),
      application_id: applicationId,
      ...(scope === 'global' ? {} : { guild_id: scope }),
      version: snowflake(),
    }));
    this.world.commands.set(scope, commands);
    return new Reply(200, commands);
  }
}
