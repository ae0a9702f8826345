import 'reflect-metadata'; // the contracts' class-transformer decorators need it; Nest loads it in the apps
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { propagation, TextMapPropagator } from '@opentelemetry/api';
import {
  BACKEND_QUEUE,
  BackendResponseMessage,
  BackendResponseType,
  BOT_OPERATIONS_QUEUE,
  BotOperation,
  BotOperationType,
  CAMPAIGN_QUEUE,
  CampaignTask,
  CampaignTaskType,
  DiscordQueueMessageType,
} from '@discord-backbone/contracts';
import { MessageValidationError } from './errors';
import { QueueSender, sqsAttributes } from './queue.sender';

const URL = 'https://sqs.local/queue';
const ORDER = '0b6f3f3e-3c1a-4a55-9d55-2f3c8e0a1b2c';
const GUILD = '223456789012345678';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Puts a fixed traceparent into every carrier, as the SDK's W3C propagator does for the active span. */
const fixedTrace: TextMapPropagator = {
  inject: (_context, carrier, setter) => setter.set(carrier, 'traceparent', TRACEPARENT),
  extract: (context) => context,
  fields: () => ['traceparent'],
};

const answer = (): BackendResponseMessage => ({
  type: BackendResponseType.ORDER_STATUS_UPDATED,
  payload: { success: true },
  metadata: {
    discord_message_id: null,
    created_at: '2026-12-07T20:00:00.000Z',
    original_order_id: ORDER,
    entity_type: 'order',
    request_type: DiscordQueueMessageType.UPDATE_ORDER_STATUS,
    request_id: ORDER,
  },
});
const rollback = (n: number): CampaignTask => ({
  task_type: CampaignTaskType.ROLLBACK,
  campaign_id: ORDER,
  application_id: '123456789012345678',
  guild_id: GUILD,
  campaign_name: `Campaign ${n}`,
});

describe('QueueSender', () => {
  let send: jest.Mock;
  let sender: QueueSender;

  beforeAll(() => propagation.setGlobalPropagator(fixedTrace));
  afterAll(() => propagation.disable());
  beforeEach(() => {
    send = jest.fn().mockResolvedValue({});
    sender = new QueueSender({ send } as unknown as SQSClient);
  });

  it('sends one validated message with the contract’s attributes and the trace context, no FIFO fields unless given', async () => {
    await sender.send(URL, BACKEND_QUEUE, answer());
    expect(send).toHaveBeenCalledTimes(1);
    const command = send.mock.calls[0][0] as SendMessageCommand;
    expect(command).toBeInstanceOf(SendMessageCommand);
    expect(command.input).toEqual({
      QueueUrl: URL,
      MessageBody: JSON.stringify(answer()),
      MessageAttributes: {
        traceparent: { DataType: 'String', StringValue: TRACEPARENT },
        type: { DataType: 'String', StringValue: 'order_status_updated' },
      },
    });
  });

  it('sends the FIFO group and deduplication id when given, and numbers as Number attributes', async () => {
    const operation: BotOperation = {
      operationId: ORDER,
      type: BotOperationType.VERIFY_PERMISSIONS,
      channelId: GUILD,
      createdAt: '2026-12-07T20:00:00.000Z',
      maxRetries: 3,
    };
    await sender.send(URL, BOT_OPERATIONS_QUEUE, operation, { group: `channel:${GUILD}`, dedup: ORDER });
    expect((send.mock.calls[0][0] as SendMessageCommand).input).toMatchObject({
      MessageGroupId: `channel:${GUILD}`,
      MessageDeduplicationId: ORDER,
      MessageAttributes: {
        operation_type: { DataType: 'String', StringValue: 'VERIFY_PERMISSIONS' },
        attempt_count: { DataType: 'Number', StringValue: '0' },
      },
    });
  });

  it('refuses a message its consumer would refuse, sending nothing', async () => {
    const bad = { ...answer(), metadata: { ...answer().metadata, original_order_id: 'not-a-uuid' } };
    await expect(sender.send(URL, BACKEND_QUEUE, bad)).rejects.toThrow(MessageValidationError);
    await expect(
      sender.sendAll(URL, CAMPAIGN_QUEUE, [{ message: rollback(1) }, { message: { ...rollback(2), guild_id: 'x' } }]),
    ).rejects.toThrow(/guild_id/);
    expect(send).not.toHaveBeenCalled();
  });

  it('sends many in batches of ten (SQS’s limit), each entry with its own FIFO fields', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({ message: rollback(i), group: GUILD, dedup: `step-${i}` }));
    await sender.sendAll(URL, CAMPAIGN_QUEUE, tasks);
    const batches = send.mock.calls.map(([command]) => (command as SendMessageBatchCommand).input);
    expect(batches.map((b) => b.Entries?.length)).toEqual([10, 2]);
    expect(batches[1]).toMatchObject({ QueueUrl: URL });
    expect(batches[1].Entries?.[1]).toEqual({
      Id: '11',
      MessageBody: JSON.stringify(rollback(11)),
      MessageGroupId: GUILD,
      MessageDeduplicationId: 'step-11',
      MessageAttributes: {
        traceparent: { DataType: 'String', StringValue: TRACEPARENT },
        task_type: { DataType: 'String', StringValue: 'rollback' },
      },
    });
  });

  it('throws when SQS refuses an entry of a batch, and sends no later batch', async () => {
    send.mockResolvedValueOnce({ Failed: [{ Id: '3', Code: 'InvalidParameterValue', Message: 'too big' }] });
    const tasks = Array.from({ length: 12 }, (_, i) => ({ message: rollback(i), group: GUILD, dedup: `step-${i}` }));
    await expect(sender.sendAll(URL, CAMPAIGN_QUEUE, tasks)).rejects.toThrow(
      'SQS refused 1 campaign message(s): InvalidParameterValue: too big',
    );
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('sqsAttributes', () => {
  it('types numbers as Number attributes and the rest as String', () => {
    expect(sqsAttributes({ type: 'x', attempt_count: 0 })).toEqual({
      type: { DataType: 'String', StringValue: 'x' },
      attempt_count: { DataType: 'Number', StringValue: '0' },
    });
  });
});
