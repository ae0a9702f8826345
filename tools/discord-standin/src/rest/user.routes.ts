import { invalidFormBody, Reply } from '../reply';
import type { FakeBot } from '../world/shapes';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/users/@me`: the bot itself, and opening a DM with a user. (A user's own OAuth2 token is served by RestServer.) */
export class UserRoutes {
  readonly routes: Route[] = [
    ['GET', /^\/users\/@me$/, (_, __, { bot }) => new Reply(200, this.world.person(bot.userId, true))],
    ['POST', /^\/users\/@me\/channels$/, (_, body, { bot }) => this.createDM(bot, String(body.recipient_id))],
  ];

  constructor(private readonly world: FakeWorld) {}

  private createDM(bot: FakeBot, userId: string): Reply {
    if (!/^\d+$/.test(userId)) throw invalidFormBody();
    const channelId = this.world.dmChannel(bot.userId, userId);
    return new Reply(200, {
      ...this.world.channel(channelId),
      last_message_id: this.world.messages(channelId).at(-1)?.id ?? null,
    });
  }
}
