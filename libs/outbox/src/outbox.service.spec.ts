import 'reflect-metadata'; // the contracts' class-transformer decorators need it; Nest loads it in the apps
import {
  BOT_OPERATIONS_QUEUE,
  BotOperation,
  botOperationGroup,
  BotOperationType,
  CAMPAIGN_QUEUE,
  CampaignTask,
  CampaignTaskType,
  DISCORD_QUEUE,
  DiscordQueueMessage,
  DiscordQueueMessageType,
  QueueName,
} from '@discord-backbone/contracts';
import type { PrismaService } from '@discord-backbone/prisma';
import { MessageValidationError, UnknownMessageTypeError } from '@discord-backbone/queue';
import type { HostTransaction } from './host-transaction';
import type { OutboxOptions } from './outbox.options';
import { OutboxService } from './outbox.service';

const options: OutboxOptions = { destinations: { [QueueName.DISCORD]: 'https://sqs.local/discord' } };
const message = {
  destination: QueueName.DISCORD,
  body: { type: 'create_thread' },
  orderingKey: 'order:1',
  attributes: { type: 'create_thread' },
};
const outbox = (extra: Partial<OutboxOptions> = {}) => new OutboxService({ ...options, ...extra }, {} as PrismaService);

describe('OutboxService.stageMessages', () => {
  it('stages through a pg client with one parameterised INSERT (values bound, never spliced)', async () => {
    const query = jest.fn().mockResolvedValue({ rowCount: 2 });
    await outbox().stageMessages({ query }, [
      message,
      { ...message, orderingKey: "order:2'; DROP TABLE x; --", messageGroupId: 'g', deduplicationId: 'd' },
    ]);
    expect(query).toHaveBeenCalledTimes(1);
    const [text, values] = query.mock.calls[0] as [string, unknown[]];
    expect(text).toBe(
      'INSERT INTO "outbox_messages" (destination, body, ordering_key, message_group_id, deduplication_id, attributes) VALUES ' +
        '($1::text, $2::text, $3::text, $4::text, $5::text, $6::jsonb), ($7::text, $8::text, $9::text, $10::text, $11::text, $12::jsonb)',
    );
    expect(values).toEqual([
      'discord',
      '{"type":"create_thread"}',
      'order:1',
      null,
      null,
      '{"type":"create_thread"}',
      'discord',
      '{"type":"create_thread"}',
      "order:2'; DROP TABLE x; --",
      'g',
      'd',
      '{"type":"create_thread"}',
    ]);
  });

  it('stages through a Prisma interactive-transaction client, into the configured schema-qualified table', async () => {
    const $executeRawUnsafe = jest.fn().mockResolvedValue(1);
    await outbox({ table: 'discord_backbone.outbox_messages' }).stageMessages({ $executeRawUnsafe }, message);
    expect($executeRawUnsafe).toHaveBeenCalledWith(
      expect.stringMatching(/^INSERT INTO "discord_backbone"\."outbox_messages" \(/),
      'discord',
      '{"type":"create_thread"}',
      'order:1',
      null,
      null,
      '{"type":"create_thread"}',
    );
  });

  it('quotes the configured table name so it cannot inject SQL', () => {
    const query = jest.fn().mockResolvedValue({});
    return outbox({ table: 'odd"name' })
      .stageMessages({ query }, message)
      .then(() => expect(query.mock.calls[0][0]).toMatch(/^INSERT INTO "odd""name" \(/));
  });

  it('refuses a table name that is not "table" or "schema.table"', () => {
    expect(() => outbox({ table: 'a.b.c' })).toThrow(TypeError);
    expect(() => outbox({ table: 'public.' })).toThrow(TypeError);
  });

  it('throws a TypeError naming both accepted shapes for a client of neither', async () => {
    await expect(outbox().stageMessages({ execute: jest.fn() } as unknown as HostTransaction, message)).rejects.toThrow(
      new TypeError(
        'Expected a host transaction: a Prisma interactive-transaction client ($executeRawUnsafe) or a pg client (query(text, values))',
      ),
    );
    await expect(outbox().stageMessages(null as unknown as HostTransaction, message)).rejects.toThrow(TypeError);
  });

  it('refuses the Prisma client itself and a pg Pool: neither is a transaction', async () => {
    const prismaClient = { $executeRawUnsafe: jest.fn(), $transaction: jest.fn() };
    await expect(outbox().stageMessages(prismaClient, message)).rejects.toThrow(/Prisma interactive transaction/);
    const pool = { query: jest.fn(), connect: jest.fn(), totalCount: 0 };
    await expect(outbox().stageMessages(pool, message)).rejects.toThrow(/got a pg Pool/);
    expect(prismaClient.$executeRawUnsafe).not.toHaveBeenCalled();
    expect(pool.query).not.toHaveBeenCalled();
  });

  it('refuses a destination without a queue URL before touching the transaction', async () => {
    const query = jest.fn();
    await expect(outbox().stageMessages({ query }, { ...message, destination: QueueName.CAMPAIGN })).rejects.toThrow(
      /No queue URL is configured for outbox destination "campaign"/,
    );
    expect(query).not.toHaveBeenCalled();
  });
});

describe('OutboxService.stage (a contract’s message)', () => {
  const ORDER = '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
  const CAMPAIGN = '9a1c2e4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
  const GUILD = '223456789012345678';
  const status = (orderId = ORDER): DiscordQueueMessage => ({
    type: DiscordQueueMessageType.UPDATE_ORDER_STATUS,
    payload: { status: 'in_progress' },
    metadata: {
      order_id: orderId,
      entity_type: 'order',
      created_at: '2026-12-07T20:00:00.000Z',
      retry_count: 0,
      request_id: CAMPAIGN,
    },
  });
  const rollback = (campaignId = CAMPAIGN): CampaignTask => ({
    task_type: CampaignTaskType.ROLLBACK,
    campaign_id: campaignId,
    application_id: '123456789012345678',
    guild_id: GUILD,
    campaign_name: 'Spring',
  });
  const everywhere = outbox({
    destinations: {
      [QueueName.DISCORD]: 'https://sqs.local/discord',
      [QueueName.CAMPAIGN]: 'https://sqs.local/campaign.fifo',
      [QueueName.BOT_OPERATIONS]: 'https://sqs.local/bot-operations.fifo',
    },
  });
  /** The rows one INSERT bound, by column. */
  const rows = (query: jest.Mock) => {
    const values = query.mock.calls[0][1] as unknown[];
    return Array.from({ length: values.length / 6 }, (_, i) => {
      const [destination, body, orderingKey, group, dedup, attributes] = values.slice(i * 6, i * 6 + 6);
      return { destination, body: JSON.parse(body as string) as unknown, orderingKey, group, dedup, attributes };
    });
  };

  it('stages the message for the contract’s queue, keyed and typed by the contract', async () => {
    const query = jest.fn().mockResolvedValue({});
    await everywhere.stage({ query }, DISCORD_QUEUE, status());
    expect(rows(query)).toEqual([
      {
        destination: 'discord',
        body: status(),
        orderingKey: `order:${ORDER}`,
        group: null,
        dedup: null,
        attributes: '{"type":"update_order_status"}',
      },
    ]);
  });

  it('owns the ordering-key rule: one key per order, campaign or membership, never shared across queues', async () => {
    const query = jest.fn().mockResolvedValue({});
    const invite: BotOperation = {
      operationId: ORDER,
      type: BotOperationType.INVITE_USER,
      discordUserId: '323456789012345678',
      channelId: GUILD,
      subscriptionId: CAMPAIGN,
      createdAt: '2026-12-07T20:00:00.000Z',
      maxRetries: 3,
    };
    await everywhere.stage({ query }, DISCORD_QUEUE, status());
    await everywhere.stage({ query }, CAMPAIGN_QUEUE, rollback());
    await everywhere.stage({ query }, BOT_OPERATIONS_QUEUE, invite, { group: botOperationGroup(invite), dedup: ORDER });
    const keys = query.mock.calls.map(([, values]) => (values as unknown[])[2]);
    expect(keys).toEqual([`order:${ORDER}`, `campaign:${CAMPAIGN}`, `bot-operations:323456789012345678:${GUILD}`]);
    expect((query.mock.calls[2][1] as unknown[]).slice(3)).toEqual([
      `323456789012345678:${GUILD}`,
      ORDER,
      '{"operation_type":"INVITE_USER","attempt_count":0}',
    ]);
  });

  it('stages several messages of one queue in one INSERT, each with its FIFO group and deduplication id', async () => {
    const query = jest.fn().mockResolvedValue({});
    const other = '1b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
    await everywhere.stageAll({ query }, CAMPAIGN_QUEUE, [
      { message: rollback(), group: GUILD, dedup: 'a' },
      { message: rollback(other), group: GUILD, dedup: 'b' },
    ]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(rows(query)).toMatchObject([
      { orderingKey: `campaign:${CAMPAIGN}`, group: GUILD, dedup: 'a', attributes: '{"task_type":"rollback"}' },
      { orderingKey: `campaign:${other}`, group: GUILD, dedup: 'b', attributes: '{"task_type":"rollback"}' },
    ]);
  });

  it('validates against the class the consumer decodes with and stages nothing for an invalid message', async () => {
    const query = jest.fn();
    const bad = { ...status(), payload: { status: '' } } as DiscordQueueMessage;
    await expect(everywhere.stage({ query }, DISCORD_QUEUE, bad)).rejects.toThrow(
      new MessageValidationError('payload.status: status must be longer than or equal to 1 characters'),
    );
    const unknown = { ...rollback(), task_type: 'explode' } as unknown as CampaignTask;
    await expect(
      everywhere.stageAll({ query }, CAMPAIGN_QUEUE, [{ message: rollback() }, { message: unknown }]),
    ).rejects.toThrow(UnknownMessageTypeError);
    expect(query).not.toHaveBeenCalled();
  });

  it('refuses a contract whose queue has no URL, before touching the transaction', async () => {
    const query = jest.fn();
    await expect(outbox().stage({ query }, CAMPAIGN_QUEUE, rollback())).rejects.toThrow(
      /No queue URL is configured for outbox destination "campaign"/,
    );
    expect(query).not.toHaveBeenCalled();
  });
});
