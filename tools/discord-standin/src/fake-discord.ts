// A local HTTP server playing the part of Discord's REST API, so tests and `npm start` (as the
// Discord stand-in: standin.ts) run the real @discordjs/rest code (routing, rate-limit
// bookkeeping, error parsing) without Discord; with startGateway(), also its gateway
// (fake-gateway.ts), so a real discord.js Client connects too.
// Several bots (tokens) can share one fake; users post into channels and DMs with postMessage().
// It also plays Discord's side of HTTP interactions (interactions.ts).
//
// FakeDiscord is the facade the tests use; the work is done by its parts: the world's state
// (world/), the REST API by resource (rest/), the gateway and the interactions.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FakeGateway, startFakeGateway } from './fake-gateway';
import { FakeInteractions } from './interactions';
import { Reply } from './reply';
import { ApplicationRoutes } from './rest/application.routes';
import { ChannelRoutes } from './rest/channel.routes';
import { FaultInjector } from './rest/faults';
import { GatewayRoutes } from './rest/gateway.routes';
import { GuildRoutes } from './rest/guild.routes';
import { InviteRoutes } from './rest/invite.routes';
import { MemberRoutes } from './rest/member.routes';
import { MessageRoutes } from './rest/message.routes';
import { DISCORD_RATE_LIMIT_RULES, RateLimitRules, StandinRateLimits } from './rest/rate-limits';
import { RestServer, send } from './rest/rest-server';
import { UserRoutes } from './rest/user.routes';
import { WebhookRoutes } from './rest/webhook.routes';
import { BotAccess } from './world/bot-access';
import { messageJson } from './world/message-store';
import type { FakeInvite, FakeMessage, MessageEdit, RecordedRequest } from './world/shapes';
import { FakeWorld } from './world/world';

export class FakeDiscord {
  private readonly world: FakeWorld;
  private readonly faults = new FaultInjector();
  private readonly interactions: FakeInteractions;
  private readonly rest: RestServer;
  private gateway?: FakeGateway;

  constructor(
    private readonly server: Server,
    readonly apiUrl: string,
    /** The default bot's token. */
    token?: string,
  ) {
    this.world = new FakeWorld(token);
    const access = new BotAccess(this.world);
    this.interactions = new FakeInteractions(this.world, access);
    const routes = [
      new GatewayRoutes(() => this.gateway),
      new UserRoutes(this.world),
      new ApplicationRoutes(this.world, this.interactions.publicKey),
      new GuildRoutes(this.world, access),
      new MemberRoutes(this.world, access),
      new ChannelRoutes(this.world, access),
      new MessageRoutes(this.world, access),
      new InviteRoutes(this.world, access),
    ].flatMap((r) => r.routes);
    this.rest = new RestServer(
      this.world,
      this.faults,
      routes,
      new WebhookRoutes(this.world, this.interactions).routes,
    );
    this.world.messageStore.onCreated = (message, channel) =>
      this.gateway?.messageCreated(message, channel, this.world.audienceOf(channel.id));
  }

  // --- who it is -----------------------------------------------------------------------------

  /** The default bot's token. */
  get token(): string {
    return this.world.token;
  }
  /** The default bot; addBot() makes more. */
  get botUserId(): string {
    return this.world.botUserId;
  }
  /** The application the default bot belongs to: interactions come from it. */
  get applicationId(): string {
    return this.world.applicationId;
  }
  /** Its public key as the developer portal shows it (hex): what the app verifies interactions with. */
  get publicKey(): string {
    return this.interactions.publicKey;
  }

  // --- what was done to it (recorded) --------------------------------------------------------

  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }
  get invites(): FakeInvite[] {
    return this.world.invites;
  }
  get kicked(): { guildId: string; userId: string }[] {
    return this.world.kicked;
  }
  get messageEdits(): MessageEdit[] {
    return this.world.messageStore.edits;
  }
  /** Registered application commands by scope: `global` or a guild id. */
  get commands(): Map<string, Record<string, unknown>[]> {
    return this.world.commands;
  }

  // --- how it behaves ------------------------------------------------------------------------

  /** The app's interactions endpoint (Discord's "Interactions Endpoint URL"). */
  get interactionsUrl(): string | undefined {
    return this.interactions.interactionsUrl;
  }
  set interactionsUrl(url: string | undefined) {
    this.interactions.interactionsUrl = url;
  }
  /** Lifetime of an interaction token (15 minutes on Discord). */
  get interactionTokenLifetimeMs(): number {
    return this.interactions.tokenLifetimeMs;
  }
  set interactionTokenLifetimeMs(ms: number) {
    this.interactions.tokenLifetimeMs = ms;
  }
  /** Added to every answer: a Discord at a fixed distance. */
  get latencyMs(): number {
    return this.rest.latencyMs;
  }
  set latencyMs(ms: number) {
    this.rest.latencyMs = ms;
  }
  /** Keep every request in `requests` (tests read them; a long-running stand-in turns it off). */
  get recordRequests(): boolean {
    return this.rest.recordRequests;
  }
  set recordRequests(record: boolean) {
    this.rest.recordRequests = record;
  }
  /** Told of every answer sent (the stand-in logs them). */
  get onAnswer(): RestServer['onAnswer'] {
    return this.rest.onAnswer;
  }
  set onAnswer(observer: RestServer['onAnswer']) {
    this.rest.onAnswer = observer;
  }

  // --- life cycle ----------------------------------------------------------------------------

  async close(): Promise<void> {
    await this.gateway?.close();
    await new Promise<void>((resolve, reject) => {
      this.server.closeAllConnections(); // hung requests too
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Starts the gateway (a WebSocket server) that `GET /gateway/bot` points discord.js at; from then
   * on every message created (by a bot through REST, or by postMessage) is dispatched to the
   * connected sessions of the bots that can see it.
   */
  async startGateway(options: { heartbeatIntervalMs?: number } = {}): Promise<FakeGateway> {
    this.gateway ??= await startFakeGateway(this.world, { ...options, apiUrl: this.apiUrl });
    return this.gateway;
  }

  /** Forgets everything seeded, recorded and injected. */
  /** The enforced limits and what they refused, once enforceRateLimits() is called. */
  get rateLimits(): StandinRateLimits | undefined {
    return this.rest.rateLimits;
  }

  /** From now on, answers 429 as Discord does beyond its global limit and route buckets (DISCORD_RATE_LIMIT_RULES unless given). */
  enforceRateLimits(rules: RateLimitRules = DISCORD_RATE_LIMIT_RULES): StandinRateLimits {
    this.rest.rateLimits = new StandinRateLimits(rules);
    return this.rest.rateLimits;
  }

  reset(): void {
    this.world.reset();
    this.rest.reset();
    this.faults.reset();
    this.interactions.reset();
  }

  /** @internal Serves one request to Discord's API (`/api/…`). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.rest.handle(req, res);
  }

  // --- seeding and inspection: FakeWorld (world/world.ts) documents each ----------------------

  readonly addBot: FakeWorld['addBot'] = (...args) => this.world.addBot(...args);
  readonly botByUserId: FakeWorld['botByUserId'] = (...args) => this.world.botByUserId(...args);
  readonly botByToken: FakeWorld['botByToken'] = (...args) => this.world.botByToken(...args);
  readonly addGuild: FakeWorld['addGuild'] = (...args) => this.world.addGuild(...args);
  readonly addChannel: FakeWorld['addChannel'] = (...args) => this.world.addChannel(...args);
  readonly removeChannel: FakeWorld['removeChannel'] = (...args) => this.world.removeChannel(...args);
  readonly addMember: FakeWorld['addMember'] = (...args) => this.world.addMember(...args);
  readonly nameUser: FakeWorld['nameUser'] = (...args) => this.world.nameUser(...args);
  readonly person: FakeWorld['person'] = (...args) => this.world.person(...args);
  readonly addRole: FakeWorld['addRole'] = (...args) => this.world.addRole(...args);
  readonly setRolePermissions: FakeWorld['setRolePermissions'] = (...args) => this.world.setRolePermissions(...args);
  readonly issueOAuthToken: FakeWorld['issueOAuthToken'] = (...args) => this.world.issueOAuthToken(...args);
  readonly channel: FakeWorld['channel'] = (...args) => this.world.channel(...args);
  readonly messages: FakeWorld['messages'] = (...args) => this.world.messages(...args);
  readonly message: FakeWorld['message'] = (...args) => this.world.message(...args);
  readonly memberRoles: FakeWorld['memberRoles'] = (...args) => this.world.memberRoles(...args);
  readonly threadMembers: FakeWorld['threadMembers'] = (...args) => this.world.threadMembers(...args);
  readonly overwrites: FakeWorld['overwrites'] = (...args) => this.world.overwrites(...args);
  readonly dms: FakeWorld['dms'] = (...args) => this.world.dms(...args);
  readonly guildList: FakeWorld['guildList'] = (...args) => this.world.guildList(...args);
  readonly guildMembers: FakeWorld['guildMembers'] = (...args) => this.world.guildMembers(...args);
  readonly dmChannelList: FakeWorld['dmChannelList'] = (...args) => this.world.dmChannelList(...args);
  readonly guildsOf: FakeWorld['guildsOf'] = (...args) => this.world.guildsOf(...args);
  readonly guildChannels: FakeWorld['guildChannels'] = (...args) => this.world.guildChannels(...args);
  readonly roles: FakeWorld['roles'] = (...args) => this.world.roles(...args);
  readonly editsOf: FakeWorld['editsOf'] = (...args) => this.world.editsOf(...args);
  readonly audienceOf: FakeWorld['audienceOf'] = (...args) => this.world.audienceOf(...args);
  /** A user posts a message (FakeWorld.postMessage): kept in the channel's history and dispatched through the gateway. */
  readonly postMessage: FakeWorld['postMessage'] = (...args) => this.world.postMessage(...args);

  get threads() {
    return this.world.threads;
  }

  /** A message as Discord's REST API and MESSAGE_CREATE show it. */
  messageJson(message: FakeMessage) {
    return messageJson(message);
  }

  // --- fault injection: FaultInjector (rest/faults.ts) documents each ------------------------

  readonly failNext: FaultInjector['failNext'] = (...args) => this.faults.failNext(...args);
  readonly hangNext: FaultInjector['hangNext'] = (...args) => this.faults.hangNext(...args);
  readonly loseNextAnswer: FaultInjector['loseNextAnswer'] = (...args) => this.faults.loseNextAnswer(...args);
  readonly holdNext: FaultInjector['holdNext'] = (...args) => this.faults.holdNext(...args);

  // --- interactions (Discord → app): FakeInteractions (interactions.ts) documents each -------

  readonly sendInteraction: FakeInteractions['send'] = (...args) => this.interactions.send(...args);
  readonly pingInteraction: FakeInteractions['ping'] = (...args) => this.interactions.ping(...args);
  readonly commandInteraction: FakeInteractions['command'] = (...args) => this.interactions.command(...args);
  readonly buttonInteraction: FakeInteractions['button'] = (...args) => this.interactions.button(...args);
  readonly originalResponse: FakeInteractions['originalResponse'] = (...args) =>
    this.interactions.originalResponse(...args);
}

/** Serves what is not Discord's API (`/api/…`) on the same port: the stand-in's page. */
export type PageHandler = (fake: FakeDiscord, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Starts a fake on 127.0.0.1 (a free port unless given); point DiscordOptions.apiBaseUrl at `apiUrl`.
 * Paths outside `/api` go to `page` when given.
 */
export async function startFakeDiscord(
  options: { port?: number; page?: PageHandler; token?: string } = {},
): Promise<FakeDiscord> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const fake = new FakeDiscord(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, options.token);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const page = options.page && !/^\/api(\/|$)/.test(req.url ?? '/') ? options.page : undefined;
    (page ? page(fake, req, res) : fake.handle(req, res)).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, new Reply(500, { message: String(error), code: 0 }), 'fake');
    });
  });
  return fake;
}
