import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Test, TestingModule } from '@nestjs/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord.js';
import {
  DiscordHealthIndicator,
  DiscordInteractionTokenError,
  DiscordInvalidRequestError,
  DiscordMissingPermissionsError,
  DiscordModule,
  DiscordRateLimitedError,
  DiscordRestClient,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
  DiscordUnknownResourceError,
} from '@discord-backbone/discord';
import { CAMPAIGN_BOT_PERMISSIONS, FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { classifyError } from '@discord-backbone/queue';
import { captureSpans, spansNamed } from '../support/tracing';

const spans = captureSpans();

// A client that slept out a rate limit would blow this; every call below should take milliseconds.
const NO_WAITING_MS = 10_000;

describe('DiscordRestClient against a fake Discord', () => {
  let fake: FakeDiscord;
  const modules: TestingModule[] = [];
  let discord: DiscordRestClient;

  const clientFor = async (
    options: { token?: string; apiBaseUrl?: string; requestTimeoutMs?: number; unauthorizedRetrySeconds?: number } = {},
  ) => {
    const module = await Test.createTestingModule({
      imports: [
        DiscordModule.forRootAsync({
          useFactory: () => ({
            token: options.token ?? fake.token,
            apiBaseUrl: options.apiBaseUrl ?? fake.apiUrl,
            requestTimeoutMs: options.requestTimeoutMs ?? 2000,
            unauthorizedRetrySeconds: options.unauthorizedRetrySeconds,
          }),
        }),
      ],
    }).compile();
    module.useLogger(false); // the 401 tests log an error on purpose
    modules.push(module);
    return module.get(DiscordRestClient);
  };
  /** The readiness indicator of the module `client` came from. */
  const healthOf = (client: DiscordRestClient) =>
    modules.find((m) => m.get(DiscordRestClient) === client)!.get(DiscordHealthIndicator);

  beforeAll(async () => {
    fake = await startFakeDiscord();
    discord = await clientFor();
  });
  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const seed = () => {
    const guild = fake.addGuild();
    const channelId = fake.addChannel(guild.id);
    const userId = fake.addMember(guild.id);
    return { guildId: guild.id, channelId, userId };
  };

  describe('happy paths', () => {
    it('reads the bot user, guilds, channels and members', async () => {
      const { guildId, channelId, userId } = seed();

      expect((await discord.getCurrentUser()).id).toBe(fake.botUserId);
      const guild = await discord.getGuild(guildId);
      expect(guild.id).toBe(guildId);
      expect(guild.roles.map((r) => r.id)).toContain(guildId); // @everyone
      expect(await discord.getChannel(channelId)).toMatchObject({
        id: channelId,
        type: ChannelType.GuildText,
        guild_id: guildId,
      });
      expect(await discord.getGuildMember(guildId, userId)).toMatchObject({ user: { id: userId }, roles: [] });
      expect(await discord.getGuildMember(guildId, '1234567890123456789')).toBeNull();
      expect((await discord.getBotMember(guildId)).user?.id).toBe(fake.botUserId);
    });

    it('creates private and public threads, lists them and adds members', async () => {
      const { guildId, channelId, userId } = seed();

      const privateThread = await discord.createThread(channelId, {
        name: 'trade #1',
        type: 'private',
        autoArchiveMinutes: 1440,
        invitable: false,
      });
      const publicThread = await discord.createThread(channelId, { name: 'announcements', type: 'public' });
      expect(privateThread).toMatchObject({
        type: ChannelType.PrivateThread,
        parent_id: channelId,
        guild_id: guildId,
        name: 'trade #1',
      });
      expect(privateThread.thread_metadata).toMatchObject({ auto_archive_duration: 1440, invitable: false });
      expect(publicThread.type).toBe(ChannelType.PublicThread);
      expect(fake.requests.find((r) => r.path === `/channels/${channelId}/threads`)?.body).toEqual({
        name: 'trade #1',
        type: 12,
        auto_archive_duration: 1440,
        invitable: false,
      });

      expect((await discord.listActiveThreads(guildId)).map((t) => t.id).sort()).toEqual(
        [privateThread.id, publicThread.id].sort(),
      );
      await discord.addThreadMember(privateThread.id, userId);
      expect(fake.threadMembers(privateThread.id)).toContain(userId);
    });

    it('sends messages, creates invites and DMs', async () => {
      const { channelId, userId } = seed();

      const message = await discord.sendMessage(channelId, { content: 'hello' });
      expect(message).toMatchObject({ channel_id: channelId, content: 'hello' });
      expect(fake.messages(channelId)).toHaveLength(1);

      const invite = await discord.createInvite(channelId, { maxAgeSeconds: 600, maxUses: 1, unique: true });
      expect(invite).toMatchObject({ max_age: 600, max_uses: 1 });
      expect(fake.invites).toEqual([
        expect.objectContaining({ code: invite.code, channelId, max_age: 600, max_uses: 1, unique: true }),
      ]);

      const dm = await discord.createDM(userId);
      expect(dm.type).toBe(ChannelType.DM);
      await discord.sendMessage(dm.id, { content: 'your prize' });
      expect(fake.dms(userId).map((m) => m.content)).toEqual(['your prize']);
    });

    it('adds and removes roles with an audit-log reason', async () => {
      const guild = fake.addGuild({ roles: [{ permissions: 0n }] });
      const [roleId] = guild.roleIds;
      const userId = fake.addMember(guild.id);

      await discord.addMemberRole(guild.id, userId, roleId, 'prize: VIP role');
      expect(fake.memberRoles(guild.id, userId)).toEqual([roleId]);
      const put = fake.requests.find((r) => r.method === 'PUT' && r.path.endsWith(`/roles/${roleId}`));
      expect(decodeURIComponent(String(put?.headers['x-audit-log-reason']))).toBe('prize: VIP role');

      await discord.removeMemberRole(guild.id, userId, roleId);
      expect(fake.memberRoles(guild.id, userId)).toEqual([]);
    });

    it('sets and deletes member overwrites; deleting again resolves', async () => {
      const { channelId, userId } = seed();
      const allow = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

      await discord.setMemberOverwrite(
        channelId,
        userId,
        { allow, deny: PermissionFlagsBits.MentionEveryone },
        'access bought',
      );
      expect(fake.overwrites(channelId)).toEqual([
        {
          id: userId,
          type: OverwriteType.Member,
          allow: allow.toString(),
          deny: PermissionFlagsBits.MentionEveryone.toString(),
        },
      ]);

      await discord.deleteOverwrite(channelId, userId);
      expect(fake.overwrites(channelId)).toEqual([]);
      await expect(discord.deleteOverwrite(channelId, userId)).resolves.toBeUndefined();
      expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toHaveLength(2); // really asked twice
    });

    it('kicks a member; kicking one already gone resolves', async () => {
      const { guildId, userId } = seed();

      await discord.kickMember(guildId, userId, 'refund');
      expect(fake.kicked).toEqual([{ guildId, userId }]);
      await expect(discord.kickMember(guildId, userId)).resolves.toBeUndefined();
      expect(fake.kicked).toHaveLength(1);
    });
  });

  it('sendMessage with a nonce posts once however often it is retried', async () => {
    const { channelId } = seed();

    const first = await discord.sendMessage(channelId, { content: 'prize granted', nonce: 'evt-42' });
    const again = await discord.sendMessage(channelId, { content: 'prize granted', nonce: 'evt-42' });
    const other = await discord.sendMessage(channelId, { content: 'prize granted', nonce: 'evt-43' });

    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(fake.messages(channelId)).toHaveLength(2);
    expect(fake.requests.find((r) => r.method === 'POST')?.body).toEqual({
      content: 'prize granted',
      nonce: 'evt-42',
      enforce_nonce: true,
      allowed_mentions: { parse: [], users: [] },
    });
  });

  describe('rate limits throw instead of waiting', () => {
    it(
      'a 429 rejects at once with the retry-after; so does the next call to the exhausted bucket, without a request',
      async () => {
        const { channelId } = seed();
        await discord.sendMessage(channelId, { content: 'learns the bucket' });
        fake.failNext({ method: 'POST', path: /\/messages$/, status: 429, retryAfterSeconds: 30 });

        const limited = await discord.sendMessage(channelId, { content: 'one' }).catch((e: unknown) => e);
        expect(limited).toBeInstanceOf(DiscordRateLimitedError);
        expect(limited).toMatchObject({ retryAfterSeconds: 30, scope: 'user', global: false });
        expect((limited as Error).message).toBe(
          'Discord rate limit (scope user) on POST /channels/:id/messages; retry after 30 s',
        );

        // The client now knows the bucket is empty for 30 s: it refuses without asking Discord.
        // Under fake timers a client that waited would never settle. (It does start a 30 s timer
        // before refusing, which would otherwise keep Jest from exiting; cleared below.)
        const sent = fake.requests.length;
        jest.useFakeTimers();
        const again = await discord.sendMessage(channelId, { content: 'two' }).catch((e: unknown) => e);
        jest.clearAllTimers();
        jest.useRealTimers();
        expect(again).toBeInstanceOf(DiscordRateLimitedError);
        expect((again as DiscordRateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(29);
        expect(fake.requests.length).toBe(sent);
        expect(fake.messages(channelId).map((m) => m.content)).toEqual(['learns the bucket']);

        // Other channels are other buckets.
        const otherChannel = fake.addChannel(fake.addGuild().id);
        await expect(discord.sendMessage(otherChannel, { content: 'elsewhere' })).resolves.toMatchObject({
          content: 'elsewhere',
        });
      },
      NO_WAITING_MS,
    );

    it(
      'a 429 on a route never called before rejects; the next call is sent',
      async () => {
        const { guildId, userId } = seed();
        const discord = await clientFor(); // knows no bucket yet
        fake.failNext({ path: /\/members\//, status: 429, retryAfterSeconds: 30 });

        await expect(discord.getGuildMember(guildId, userId)).rejects.toMatchObject({
          name: 'DiscordRateLimitedError',
          retryAfterSeconds: 30,
        });
        // The 429 was booked on a provisional bucket; the bucket hash it carried starts a fresh one.
        await expect(discord.getGuildMember(guildId, userId)).resolves.toMatchObject({ user: { id: userId } });
      },
      NO_WAITING_MS,
    );
  });

  describe('errors are classified', () => {
    it('403 Missing Permissions, injected or earned', async () => {
      const { channelId } = seed();
      fake.failNext({ method: 'POST', path: /\/threads$/, status: 403, code: 50013, message: 'Missing Permissions' });

      const error = await discord.createThread(channelId, { name: 't', type: 'private' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiscordMissingPermissionsError);
      expect(error).toMatchObject({
        status: 403,
        code: 50013,
        message: 'Discord 403 Missing Permissions (code 50013) on POST /channels/:id/threads',
      });

      const weak = fake.addGuild({
        botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
      });
      await expect(
        discord.createThread(fake.addChannel(weak.id), { name: 't', type: 'private' }),
      ).rejects.toBeInstanceOf(DiscordMissingPermissionsError);
    });

    it("403 for a role at or above the bot's highest role (role hierarchy), and for a channel the bot cannot see", async () => {
      const guild = fake.addGuild({ roles: [{ permissions: 0n, aboveBot: true }] });
      const userId = fake.addMember(guild.id);
      for (const roleId of [guild.roleIds[0], guild.botRoleId]) {
        await expect(discord.addMemberRole(guild.id, userId, roleId)).rejects.toMatchObject({
          name: 'DiscordMissingPermissionsError',
          status: 403,
          code: 50013,
        });
      }
      expect(fake.memberRoles(guild.id, userId)).toEqual([]);

      const hidden = fake.addChannel(guild.id, {
        permissionOverwrites: [
          { id: guild.botRoleId, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
        ],
      });
      await expect(discord.getChannel(hidden)).rejects.toMatchObject({
        name: 'DiscordMissingPermissionsError',
        status: 403,
        code: 50001,
      });
    });

    it('404 Unknown Channel, Guild and Member', async () => {
      const { guildId, channelId } = seed();
      const thread = await discord.createThread(channelId, { name: 't', type: 'private' });

      await expect(discord.getChannel('1234567890123456789')).rejects.toMatchObject({
        name: 'DiscordUnknownResourceError',
        status: 404,
        code: 10003,
      });
      await expect(discord.getGuild('1234567890123456789')).rejects.toMatchObject({
        name: 'DiscordUnknownResourceError',
        code: 10004,
      });
      const notMember = await discord.addThreadMember(thread.id, '1234567890123456789').catch((e: unknown) => e);
      expect(notMember).toBeInstanceOf(DiscordUnknownResourceError);
      expect(notMember).toMatchObject({
        code: 10007,
        message: 'Discord 404 Unknown Member (code 10007) on PUT /channels/:id/thread-members/:id',
      });
      await expect(discord.getGuildMember(guildId, '1234567890123456789')).resolves.toBeNull();
    });

    it('400 invalid form body', async () => {
      const { channelId } = seed();
      const error = await discord.createThread(channelId, { name: '', type: 'public' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiscordInvalidRequestError);
      expect(error).toMatchObject({ status: 400, code: 50035 });
      expect((error as Error).message).toContain('name[BASE_TYPE_BAD_LENGTH]: Must be between 1 and 100 in length.');
    });

    it('5xx, timeouts and refused connections are transient', async () => {
      const { channelId } = seed();
      fake.failNext({ path: /^\/channels\/\d+$/, status: 500 });
      fake.failNext({ path: /^\/channels\/\d+$/, status: 502 });

      await expect(discord.getChannel(channelId)).rejects.toMatchObject({
        name: 'DiscordUnavailableError',
        status: 500,
        message: 'Discord 500 Internal Server Error on GET /channels/:id',
      });
      await expect(discord.getChannel(channelId)).rejects.toMatchObject({
        name: 'DiscordUnavailableError',
        status: 502,
      });
      await expect(discord.getChannel(channelId)).resolves.toMatchObject({ id: channelId }); // not retried by the client itself
      expect(fake.requests).toHaveLength(3);

      const impatient = await clientFor({ requestTimeoutMs: 200 });
      fake.hangNext({ path: /^\/channels\/\d+$/ });
      await expect(impatient.getChannel(channelId)).rejects.toBeInstanceOf(DiscordUnavailableError);

      const nowhere = await clientFor({ apiBaseUrl: 'http://127.0.0.1:1/api' });
      await expect(nowhere.getChannel(channelId)).rejects.toBeInstanceOf(DiscordUnavailableError);
    });

    it('401 with a bad token: transient, retried in minutes, and from then on without asking; readiness down', async () => {
      const badToken = await clientFor({ token: 'wrong' });
      expect(healthOf(badToken).isHealthy()).toEqual({ discord: { status: 'up' } });

      const first = await badToken.getCurrentUser().catch((e: unknown) => e);
      expect(first).toBeInstanceOf(DiscordUnauthorizedError);
      expect(first).toMatchObject({
        status: 401,
        retryAfterSeconds: 300,
        message: expect.stringContaining('401: Unauthorized'),
      });
      expect(classifyError(first)).toBe('transient'); // waits on its queue, not dead-lettered

      // @discordjs/rest has dropped the token; the client fails fast, still transient, without a request.
      const { channelId } = seed();
      const second = await badToken.sendMessage(channelId, { content: 'x' }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DiscordUnauthorizedError);
      expect(second).toMatchObject({
        status: 401,
        retryAfterSeconds: 300,
        message: expect.stringMatching(/^Discord has rejected the bot token since .* \(401\); not sent/),
      });
      expect(classifyError(second)).toBe('transient');
      expect(fake.requests).toHaveLength(1);

      expect(badToken.tokenRejection()).toEqual({ since: expect.any(Date), error: (first as Error).message });
      // Down, saying why and what to do, without Discord's own error text (the health endpoint is open).
      expect(healthOf(badToken).isHealthy()).toEqual({
        discord: {
          status: 'down',
          message: expect.stringMatching(/^Discord has rejected the bot token since .* \(401\).*DISCORD_BOT_TOKEN/),
        },
      });
      expect(JSON.stringify(healthOf(badToken).isHealthy())).not.toContain((first as Error).message);
      // Other clients (other tokens) are not affected.
      expect(healthOf(discord).isHealthy()).toEqual({ discord: { status: 'up' } });
      expect(JSON.stringify(badToken.tokenRejection())).not.toContain('wrong');
    });

    it('after a 401, one call tries the token again once unauthorizedRetrySeconds have passed; success ends the rejection', async () => {
      const { channelId } = seed();
      const client = await clientFor({ unauthorizedRetrySeconds: 0.3 });
      fake.failNext({ path: /^\/channels\/\d+$/, status: 401, message: '401: Unauthorized' }); // a spurious 401

      await expect(client.getChannel(channelId)).rejects.toMatchObject({
        name: 'DiscordUnauthorizedError',
        retryAfterSeconds: 0.3,
      });
      await expect(client.getChannel(channelId)).rejects.toBeInstanceOf(DiscordUnauthorizedError);
      expect(fake.requests).toHaveLength(1);
      expect(healthOf(client).isHealthy()).toMatchObject({ discord: { status: 'down' } });

      await new Promise((resolve) => setTimeout(resolve, 350));
      await expect(client.getChannel(channelId)).resolves.toMatchObject({ id: channelId });
      expect(fake.requests.map((r) => r.headers.authorization)).toEqual([`Bot ${fake.token}`, `Bot ${fake.token}`]);
      expect(client.tokenRejection()).toBeUndefined();
      expect(healthOf(client).isHealthy()).toEqual({ discord: { status: 'up' } });
      await expect(client.getChannel(channelId)).resolves.toMatchObject({ id: channelId });
    });

    it('a token still rejected when tried again stays rejected, and only one concurrent call tries it', async () => {
      const client = await clientFor({ token: 'wrong', unauthorizedRetrySeconds: 0.3 });
      await expect(client.getCurrentUser()).rejects.toBeInstanceOf(DiscordUnauthorizedError);
      const since = client.tokenRejection()?.since;

      await new Promise((resolve) => setTimeout(resolve, 350));
      const results = await Promise.allSettled([
        client.getCurrentUser(),
        client.getCurrentUser(),
        client.getCurrentUser(),
      ]);
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'fulfilled'))).toEqual(
        Array(3).fill('DiscordUnauthorizedError'),
      );
      expect(fake.requests).toHaveLength(2);
      expect(client.tokenRejection()?.since).toEqual(since);
    });
  });

  describe('campaign calls: roles, categories, channels, interaction webhooks, commands', () => {
    it('creates and deletes roles and channels; deleting what is gone resolves false', async () => {
      const guild = fake.addGuild({ botPermissions: CAMPAIGN_BOT_PERMISSIONS });
      const role = await discord.createRole(
        guild.id,
        { name: 'Campaign Members', permissions: 0n, mentionable: true },
        'campaign',
      );
      expect(role).toMatchObject({ name: 'Campaign Members', position: 1, permissions: '0', mentionable: true });

      const hidden = [
        { id: guild.id, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
        {
          id: fake.botUserId,
          type: OverwriteType.Member,
          allow: String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageChannels),
          deny: '0',
        },
      ];
      const category = await discord.createGuildChannel(guild.id, {
        name: 'My Campaign',
        type: ChannelType.GuildCategory,
        permission_overwrites: hidden,
      });
      const text = await discord.createGuildChannel(guild.id, {
        name: 'Session Notes',
        type: ChannelType.GuildText,
        parent_id: category.id,
        topic: 'Recaps',
        permission_overwrites: hidden,
      });
      expect(text).toMatchObject({
        name: 'session-notes',
        parent_id: category.id,
        topic: 'Recaps',
        type: ChannelType.GuildText,
      });
      expect((await discord.listGuildChannels(guild.id)).map((c) => c.id)).toEqual([category.id, text.id]);

      await expect(discord.deleteChannel(text.id)).resolves.toBe(true);
      await expect(discord.deleteChannel(text.id)).resolves.toBe(false);
      await expect(discord.deleteRole(guild.id, role.id)).resolves.toBe(true);
      await expect(discord.deleteRole(guild.id, role.id)).resolves.toBe(false);
      expect(fake.roles(guild.id).map((r) => r.id)).not.toContain(role.id);
    });

    it('refuses what Discord refuses: a full guild, announcement channels outside Community servers, overwrites granting what the bot lacks', async () => {
      const guild = fake.addGuild({ botPermissions: CAMPAIGN_BOT_PERMISSIONS });
      await expect(
        discord.createGuildChannel(guild.id, { name: 'news', type: ChannelType.GuildAnnouncement }),
      ).rejects.toMatchObject({ name: 'DiscordInvalidRequestError', code: 50035 });
      const grantsAdmin = [
        { id: guild.id, type: OverwriteType.Role, allow: String(PermissionFlagsBits.Administrator), deny: '0' },
      ];
      await expect(
        discord.createGuildChannel(guild.id, {
          name: 'x',
          type: ChannelType.GuildText,
          permission_overwrites: grantsAdmin,
        }),
      ).rejects.toMatchObject({
        name: 'DiscordMissingPermissionsError',
        code: 50013,
      });
      for (let i = fake.guildChannels(guild.id).length; i < 500; i++) fake.addChannel(guild.id);
      await expect(
        discord.createGuildChannel(guild.id, { name: 'one-more', type: ChannelType.GuildText }),
      ).rejects.toMatchObject({ name: 'DiscordInvalidRequestError', code: 30013 });
    });

    it('edits an interaction’s original response with its token, not the bot token, until the token expires', async () => {
      const guild = fake.addGuild();
      const channelId = fake.addChannel(guild.id);
      const endpoint = createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":5}'),
      );
      await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
      fake.interactionsUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/interactions`;
      try {
        const { interaction } = await fake.sendInteraction(
          fake.commandInteraction({
            guildId: guild.id,
            channelId,
            userId: fake.addMember(guild.id),
            name: 'add-campaign',
          }),
        );
        expect(fake.originalResponse(interaction)).toMatchObject({ content: '', flags: 128 }); // "thinking…"

        const edited = await discord.editInteractionResponse(fake.applicationId, interaction.token, {
          content: 'progress',
          allowed_mentions: { parse: [] },
        });
        expect(edited).toMatchObject({
          id: fake.originalResponse(interaction)!.id,
          content: 'progress',
          channel_id: channelId,
        });
        const webhookCall = fake.requests.find((r) => r.method === 'PATCH')!;
        expect(webhookCall.headers.authorization).toBeUndefined();

        fake.interactionTokenLifetimeMs = 0;
        const late = fake.commandInteraction({
          guildId: guild.id,
          channelId,
          userId: fake.addMember(guild.id),
          name: 'add-campaign',
        });
        await fake.sendInteraction(late);
        spans.reset();
        const error = await discord
          .editInteractionResponse(fake.applicationId, late.token, { content: 'too late' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DiscordInteractionTokenError);
        expect(classifyError(error)).toBe('permanent');
        expect(error).toMatchObject({
          status: 401,
          code: 50027,
          message:
            'Discord 401 Invalid Webhook Token (code 50027) on PATCH /webhooks/:id/:token/messages/@original: the interaction token has expired or its message is gone',
        });
        // A dead interaction token says nothing about the bot token.
        expect(discord.tokenRejection()).toBeUndefined();
        const [span] = spansNamed(spans, 'discord.editInteractionResponse');
        expect(span.attributes['url.template']).toBe('/webhooks/:id/:token/messages/@original');
        expect(JSON.stringify([span.attributes, span.events, span.status, (error as Error).message])).not.toContain(
          late.token,
        );
      } finally {
        await new Promise((resolve) => endpoint.close(resolve));
      }
    });

    it('edits the bot’s own messages and overwrites the application’s commands, globally or in a guild', async () => {
      const { guildId, channelId } = seed();
      const posted = await discord.sendMessage(channelId, { content: 'status' });
      await expect(discord.editMessage(channelId, posted.id, { content: 'status, later' })).resolves.toMatchObject({
        id: posted.id,
        content: 'status, later',
      });
      expect(fake.editsOf(posted.id)).toEqual([expect.objectContaining({ content: 'status, later', via: 'bot' })]);

      const application = await discord.getCurrentApplication();
      expect(application.id).toBe(fake.applicationId);
      const command = { name: 'add-campaign', description: 'Create a campaign', type: 1 as const };
      await discord.overwriteCommands(application.id, [command]);
      await discord.overwriteCommands(application.id, [command], guildId);
      expect(fake.commands.get('global')).toEqual([
        expect.objectContaining({ name: 'add-campaign', application_id: application.id }),
      ]);
      expect(fake.commands.get(guildId)).toEqual([
        expect.objectContaining({ name: 'add-campaign', guild_id: guildId }),
      ]);
    });
  });

  it('records a CLIENT span per call, with the error on failure', async () => {
    const { channelId } = seed();
    spans.reset();
    await discord.createThread(channelId, { name: 'ok', type: 'public' });
    fake.failNext({ path: /\/threads$/, status: 403, code: 50013 });
    await discord.createThread(channelId, { name: 'no', type: 'public' }).catch(() => undefined);

    const [ok, failed] = spansNamed(spans, 'discord.createThread');
    expect(ok.kind).toBe(SpanKind.CLIENT);
    expect(ok.attributes).toEqual({
      'http.request.method': 'POST',
      'url.template': '/channels/:id/threads',
      'discord.status_code': 201,
    });
    expect(ok.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'discord.status_code': 403 });
    expect(failed.status).toMatchObject({
      code: SpanStatusCode.ERROR,
      message: expect.stringContaining('Missing Permissions (code 50013)'),
    });
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
  });
});
