import 'reflect-metadata'; // the contracts' class-transformer decorators need it; Nest loads it in the apps
import {
  BOT_OPERATION_MESSAGE_CLASSES,
  BotOperationAttribute,
  BotOperationType,
  QueueName,
} from '@discord-backbone/contracts';
import { HostTransaction, OutboundMessage, OutboxService } from '@discord-backbone/outbox';
import type { PrismaService } from '@discord-backbone/prisma';
import { decodePayload } from '@discord-backbone/queue';
import { BotOperationRejectedError } from './bot-operation.errors';
import { BotQueueProducer } from './bot-queue.producer';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/bot-operations.fifo';
const USER = '123456789012345678';
const CHANNEL = '223456789012345678';
const SUBSCRIPTION = '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
const LISTING = '9a1c2e4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// SQS: MessageDeduplicationId / MessageGroupId are 1–128 characters of a-z, A-Z, 0-9 and punctuation.
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;

describe('BotQueueProducer', () => {
  let stage: jest.Mock<Promise<void>, [HostTransaction, OutboundMessage]>;
  let query: jest.Mock<Promise<unknown>, [string, unknown[]]>;
  let tx: HostTransaction;

  let outbox: OutboxService;

  const producer = (options: { queueUrl?: string; maxAttempts?: number } = { queueUrl: QUEUE_URL }) =>
    new BotQueueProducer(outbox, { maxAttempts: 8, ...options });
  const staged = (call = 0) => stage.mock.calls[call][1];
  // The row's INSERT binds id, type, channel, user, subscription, listing, reason in that order.
  const row = (call = 0) => {
    const [id, type, channelId, discordUserId, subscriptionId, listingId, reason] = query.mock.calls[call][1];
    return { id, type, channelId, discordUserId, subscriptionId, listingId, reason };
  };

  beforeEach(() => {
    // The real outbox (validation, ordering key, attributes) down to the row it writes, which `stage` records.
    outbox = new OutboxService({ destinations: { [QueueName.BOT_OPERATIONS]: QUEUE_URL } }, {} as PrismaService);
    stage = jest.spyOn(outbox, 'stageMessages').mockResolvedValue(undefined) as unknown as typeof stage;
    query = jest.fn().mockResolvedValue({ rowCount: 1 });
    tx = { query }; // a pg client in the host's transaction
  });

  describe('enqueueInviteUser', () => {
    it('stages an INVITE_USER message in the caller transaction and creates its queued row there', async () => {
      const result = await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        orderId: 'order-1',
      });

      expect(result).toEqual({
        operationId: expect.stringMatching(UUID),
        type: BotOperationType.INVITE_USER,
        messageGroupId: `${USER}:${CHANNEL}`,
        deduplicationId: result.operationId,
      });
      expect(stage).toHaveBeenCalledTimes(1);
      expect(stage.mock.calls[0][0]).toBe(tx);
      expect(staged()).toMatchObject({
        destination: QueueName.BOT_OPERATIONS,
        messageGroupId: `${USER}:${CHANNEL}`,
        deduplicationId: result.operationId,
      });
      expect(staged().body).toEqual({
        operationId: result.operationId,
        type: 'INVITE_USER',
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        orderId: 'order-1',
        createdAt: expect.any(String),
        maxRetries: 7,
      });
      expect(row()).toEqual({
        id: result.operationId,
        type: 'INVITE_USER',
        channelId: CHANNEL,
        discordUserId: USER,
        subscriptionId: SUBSCRIPTION,
        listingId: null,
        reason: null,
      });
      expect(query.mock.calls[0][0]).toMatch(
        /^INSERT INTO "bot_operations" \(id, type, channel_id, discord_user_id, subscription_id, listing_id, reason\)/,
      );
    });

    it('writes its row in the same transaction through a Prisma interactive-transaction client, into the configured table', async () => {
      const executeRaw = jest.fn().mockResolvedValue(1);
      const prismaTx = { $executeRawUnsafe: executeRaw, $queryRawUnsafe: jest.fn() };
      const result = await new BotQueueProducer(outbox, {
        queueUrl: QUEUE_URL,
        maxAttempts: 8,
        table: 'discord_backbone.bot_operations',
      }).enqueueInviteUser(prismaTx, { discordUserId: USER, channelId: CHANNEL, subscriptionId: SUBSCRIPTION });
      expect(executeRaw).toHaveBeenCalledWith(
        expect.stringMatching(/^INSERT INTO "discord_backbone"\."bot_operations" /),
        result.operationId,
        'INVITE_USER',
        CHANNEL,
        USER,
        SUBSCRIPTION,
        null,
        null,
      );
      expect(stage.mock.calls[0][0]).toBe(prismaTx);
    });

    it('refuses a transaction of neither shape with a TypeError, staging nothing', async () => {
      const attempt = producer().enqueueInviteUser({} as HostTransaction, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
      });
      await expect(attempt).rejects.toThrow(TypeError);
      expect(stage).not.toHaveBeenCalled();
    });

    it('defaults maxRetries to BOT_OPERATIONS_MAX_ATTEMPTS − 1 and keeps an explicit one', async () => {
      await producer({ queueUrl: QUEUE_URL, maxAttempts: 5 }).enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
      });
      await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        maxRetries: 2,
      });
      expect((staged(0).body as { maxRetries: number }).maxRetries).toBe(4);
      expect((staged(1).body as { maxRetries: number }).maxRetries).toBe(2);
      expect(staged(0).body).not.toHaveProperty('orderId'); // absent, not undefined
    });

    it('throws BotOperationRejectedError (never returns null) for an invalid operation, staging nothing', async () => {
      const attempt = producer().enqueueInviteUser(tx, {
        discordUserId: 'some_username',
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        maxRetries: -1,
      });
      await expect(attempt).rejects.toThrow(BotOperationRejectedError);
      await expect(attempt).rejects.toMatchObject({
        reason: 'invalid',
        message: expect.stringMatching(/discordUserId must be a Discord ID of 17–20 digits.*maxRetries/),
      });
      expect(stage).not.toHaveBeenCalled();
      expect(query).not.toHaveBeenCalled();
    });

    it('lets a failure of the transaction propagate, so the caller rolls back its change', async () => {
      stage.mockRejectedValue(new Error('connection terminated'));
      await expect(
        producer().enqueueInviteUser(tx, { discordUserId: USER, channelId: CHANNEL, subscriptionId: SUBSCRIPTION }),
      ).rejects.toThrow('connection terminated');
    });
  });

  describe('enqueueRemoveUser', () => {
    it('stages a REMOVE_USER message for the same membership group as the invite', async () => {
      const invite = await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
      });
      const remove = await producer().enqueueRemoveUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        reason: 'expiry',
      });
      expect(remove).toMatchObject({ type: BotOperationType.REMOVE_USER, messageGroupId: invite.messageGroupId });
      expect(staged(1).orderingKey).toBe(staged(0).orderingKey); // the outbox sends them in order, too
      expect(staged(1).body).toMatchObject({
        type: 'REMOVE_USER',
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        reason: 'expiry',
      });
      expect(row(1)).toMatchObject({ type: 'REMOVE_USER', reason: 'expiry' });
    });

    it('accepts each removal reason (expiry, refund, manual) and rejects any other', async () => {
      for (const reason of ['expiry', 'refund', 'manual'] as const) {
        await producer().enqueueRemoveUser(tx, {
          discordUserId: USER,
          channelId: CHANNEL,
          subscriptionId: SUBSCRIPTION,
          reason,
        });
      }
      expect(stage.mock.calls.map(([, message]) => (message.body as { reason: string }).reason)).toEqual([
        'expiry',
        'refund',
        'manual',
      ]);
      await expect(
        producer().enqueueRemoveUser(tx, {
          discordUserId: USER,
          channelId: CHANNEL,
          subscriptionId: SUBSCRIPTION,
          reason: 'bored' as never,
        }),
      ).rejects.toThrow(/reason must be one of expiry, refund, manual/);
    });
  });

  describe('enqueueVerifyPermissions', () => {
    it('stages a VERIFY_PERMISSIONS message grouped by channel', async () => {
      const result = await producer().enqueueVerifyPermissions(tx, { channelId: CHANNEL, listingId: LISTING });
      expect(result).toMatchObject({ type: BotOperationType.VERIFY_PERMISSIONS, messageGroupId: `channel:${CHANNEL}` });
      expect(staged().body).toMatchObject({ type: 'VERIFY_PERMISSIONS', channelId: CHANNEL, listingId: LISTING });
      expect(row()).toMatchObject({ listingId: LISTING, discordUserId: null, subscriptionId: null });
    });

    it('works without a listingId', async () => {
      await producer().enqueueVerifyPermissions(tx, { channelId: CHANNEL });
      expect(staged().body).not.toHaveProperty('listingId');
      expect(row()).toMatchObject({ listingId: null });
    });
  });

  describe('configuration', () => {
    it('is configured when BOT_OPERATIONS_QUEUE_URL is set', () => {
      expect(producer().isConfigured()).toBe(true);
    });

    it('is not configured without a queue URL', () => {
      expect(producer({}).isConfigured()).toBe(false);
      expect(producer({ queueUrl: '' }).isConfigured()).toBe(false);
    });

    it('refuses to queue without a queue URL, naming the setting, instead of staging a message that could never leave', async () => {
      const attempt = producer({}).enqueueVerifyPermissions(tx, { channelId: CHANNEL });
      await expect(attempt).rejects.toThrow(BotOperationRejectedError);
      await expect(attempt).rejects.toMatchObject({
        reason: 'not_configured',
        message: expect.stringContaining('BOT_OPERATIONS_QUEUE_URL is not configured'),
      });
      expect(stage).not.toHaveBeenCalled();
    });
  });

  describe('message attributes', () => {
    it('include the operation type', async () => {
      await producer().enqueueInviteUser(tx, { discordUserId: USER, channelId: CHANNEL, subscriptionId: SUBSCRIPTION });
      await producer().enqueueRemoveUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        reason: 'refund',
      });
      await producer().enqueueVerifyPermissions(tx, { channelId: CHANNEL });
      expect(stage.mock.calls.map(([, m]) => m.attributes?.[BotOperationAttribute.OPERATION_TYPE])).toEqual([
        'INVITE_USER',
        'REMOVE_USER',
        'VERIFY_PERMISSIONS',
      ]);
    });

    it('include the attempt count, 0 and numeric (an SQS Number attribute)', async () => {
      await producer().enqueueInviteUser(tx, { discordUserId: USER, channelId: CHANNEL, subscriptionId: SUBSCRIPTION });
      expect(staged().attributes).toEqual({ operation_type: 'INVITE_USER', attempt_count: 0 });
    });
  });

  describe('message deduplication', () => {
    it('uses the operation id as deduplication id: FIFO-valid and distinct per operation', async () => {
      const a = await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
      });
      const b = await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
      });
      for (const [i, result] of [a, b].entries()) {
        expect(staged(i).deduplicationId).toBe(result.operationId);
        expect(staged(i).deduplicationId).toMatch(FIFO_ID);
        expect(staged(i).messageGroupId).toMatch(FIFO_ID);
      }
      expect(a.deduplicationId).not.toBe(b.deduplicationId);
    });

    it('stages bodies the consumer decodes with the same contract classes', async () => {
      await producer().enqueueInviteUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        orderId: 'o-1',
      });
      await producer().enqueueRemoveUser(tx, {
        discordUserId: USER,
        channelId: CHANNEL,
        subscriptionId: SUBSCRIPTION,
        reason: 'manual',
      });
      await producer().enqueueVerifyPermissions(tx, { channelId: CHANNEL, listingId: LISTING });
      for (const [, message] of stage.mock.calls) {
        const body = JSON.parse(JSON.stringify(message.body)) as { type: BotOperationType };
        expect(() => decodePayload(BOT_OPERATION_MESSAGE_CLASSES[body.type] as new () => object, body)).not.toThrow();
      }
    });
  });
});
