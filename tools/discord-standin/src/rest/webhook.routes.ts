import type { FakeInteractions } from '../interactions';
import { discordError, Reply, unknownMessage } from '../reply';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/webhooks/:application/:interaction token`: authenticated by the token in the path, not by a bot token. */
export class WebhookRoutes {
  readonly routes: Route<undefined>[] = [
    [
      'PATCH',
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      ([applicationId, token], body) => this.editOriginal(applicationId, token, body),
    ],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly interactions: FakeInteractions,
  ) {}

  /** PATCH …/messages/@original with an interaction token: 401 Invalid Webhook Token once it has expired. */
  private editOriginal(applicationId: string, token: string, body: Record<string, unknown>): Reply {
    const record = this.interactions.token(token);
    if (!record || record.expiresAt <= Date.now()) throw discordError(401, 50027, 'Invalid Webhook Token');
    if (record.applicationId !== applicationId) throw discordError(404, 10015, 'Unknown Webhook');
    if (record.messageId === undefined) throw unknownMessage();
    return new Reply(200, this.world.messageStore.edit(record.channelId, record.messageId, body, 'webhook'));
  }
}
