import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { MessageAttribute, QueueName } from '@discord-backbone/contracts';
import { ConsumerSettings } from '@discord-backbone/queue';
import { DeadLetterPublisher } from '../../libs/queue/src/dead-letter.publisher';
import { itemAwarded } from '../factories/prize-events';
import { createUser } from '../factories/rows';
import { snowflake } from '../support/database';
import { runDlq, spawnDlq, startSqsProxy, testCredentials } from '../support/dlq';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, queueDepth, QueuePair, send, waitFor } from '../support/sqs';
import { startWorker } from '../support/worker';

const traceparent = (n: number) => ({
  [MessageAttribute.TRACEPARENT]: {
    DataType: 'String',
    StringValue: `00-${String(n).padStart(32, 'a')}-00f067aa0ba902b7-01`,
  },
});

describe('DLQ tool: redrive', () => {
  const { sqs, prisma } = useTestInfra();
  let worker: INestApplication | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  /** A linked user and awards for a guild no community has yet: the worker dead-letters them as CommunityNotFoundError. */
  async function awardsForMissingCommunity(queues: QueuePair, count: number) {
    const discordUserId = snowflake();
    const user = await createUser(prisma, `u${randomUUID().slice(0, 6)}`, discordUserId);
    const guild = snowflake();
    const bodies = Array.from({ length: count }, (_, n) =>
      JSON.stringify(itemAwarded({ discordGuildId: guild, discordUserId, itemTypeId: 'late-gold', quantity: n + 1 })),
    );
    const ids: string[] = [];
    for (const [n, body] of bodies.entries()) ids.push(await send(sqs, queues.queueUrl, body, traceparent(n)));
    /** The cause fixed: the community and its item type exist. */
    const fix = async () => {
      const community = await prisma.community.create({ data: { name: 'Late', discordGuildId: guild } });
      await prisma.itemType.create({
        data: { id: 'late-gold', communityId: community.id, name: 'Gold', stackable: true },
      });
    };
    const held = async () =>
      (await prisma.itemHolding.findMany({ where: { userId: user.id } })).reduce((sum, h) => sum + h.quantity, 0);
    return { ids, bodies, fix, held, total: (count * (count + 1)) / 2 };
  }

  async function deadLetter(queues: QueuePair, depth: number): Promise<void> {
    const app = await startWorker(queues, { SQS_BATCH_SIZE: '10' });
    try {
      await waitFor(async () => (await queueDepth(sqs, queues.dlqUrl)).visible === depth, {
        what: `${depth} dead-lettered messages`,
      });
    } finally {
      await app.close();
    }
  }

  /** Every message on a queue, read and made visible again at once (visibility 0). */
  async function look(queueUrl: string): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  const appliedOnce = async (
    expected: { keys: string[]; held: () => Promise<number>; total: number },
    queues: QueuePair,
  ) => {
    await waitFor(
      async () =>
        (await prisma.processedMessage.count()) >= expected.keys.length &&
        (await queueDepth(sqs, queues.queueUrl)).visible === 0,
      {
        what: 'the redriven events applied',
      },
    );
    await waitFor(async () => (await queueDepth(sqs, queues.queueUrl)).inFlight === 0, { what: 'the queue drained' });
    expect((await prisma.processedMessage.findMany()).map((p) => p.key).sort()).toEqual(
      expected.keys.map((id) => `prize-distribution:message:${id}`).sort(),
    );
    expect(await expected.held()).toBe(expected.total);
  };

  it('--class moves only that class, keeps body and original id, drops the stale reason; the worker applies each once', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const awards = await awardsForMissingCommunity(queues, 3);
    await send(sqs, queues.queueUrl, '{"not json');
    await deadLetter(queues, 4);
    await awards.fix();

    const dry = await runDlq(['redrive', 'prize-distribution', '--class', 'CommunityNotFoundError', '--dry-run'], {
      AWS_SQS_QUEUE_URL: queues.queueUrl,
    });
    expect(dry.stdout).toContain('Would move 3 messages: CommunityNotFoundError 3; nothing was moved.');
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 4, inFlight: 0 });

    const { code, stdout } = await runDlq(['redrive', 'prize-distribution', '--class', 'CommunityNotFoundError'], {
      AWS_SQS_QUEUE_URL: queues.queueUrl,
    });
    expect(code).toBe(0);
    expect(stdout).toBe(
      `prize-distribution DLQ → ${queues.queueUrl}, message by message (--class CommunityNotFoundError chosen)\n` +
        'Moved 3 messages: CommunityNotFoundError 3.\n' +
        'Left in the DLQ: MalformedMessageError 1.\n' +
        'The DLQ now holds 1 message.\n',
    );
    const back = await look(queues.queueUrl);
    expect(back.map((m) => m.Body).sort()).toEqual([...awards.bodies].sort()); // byte for byte
    for (const message of back) {
      const attributes = Object.keys(message.MessageAttributes ?? {}).sort();
      expect(attributes).toEqual([MessageAttribute.ORIGINAL_MESSAGE_ID, MessageAttribute.TRACEPARENT]);
      const n = awards.bodies.indexOf(message.Body!);
      expect(message.MessageAttributes![MessageAttribute.ORIGINAL_MESSAGE_ID].StringValue).toBe(awards.ids[n]);
      expect(message.MessageAttributes![MessageAttribute.TRACEPARENT].StringValue).toBe(
        traceparent(n).traceparent.StringValue,
      );
    }
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 1, inFlight: 0 });

    worker = await startWorker(queues);
    await appliedOnce({ keys: awards.ids, held: awards.held, total: awards.total }, queues);
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 1, inFlight: 0 }); // the malformed one waits for its producer's fix
  });

  it('a redrive whose messages fail again while it runs moves each once and ends, leaving them in the DLQ', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    await awardsForMissingCommunity(queues, 20);
    await deadLetter(queues, 20);
    worker = await startWorker(queues); // the cause is not fixed: each message is dead-lettered again

    const { code, stdout } = await runDlq(['redrive', 'prize-distribution', '--rate', '5/s'], {
      AWS_SQS_QUEUE_URL: queues.queueUrl,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Moved 20 messages: CommunityNotFoundError 20.');
    expect(
      Number(/(\d+) messages? failed again and came back to the DLQ during the run/.exec(stdout)?.[1]),
    ).toBeGreaterThan(0);
    await waitFor(async () => (await queueDepth(sqs, queues.dlqUrl)).visible === 20, {
      what: 'all twenty back in the DLQ',
    });
  });

  it('a redrive killed between send and delete, run again, loses nothing and the worker applies nothing twice', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const awards = await awardsForMissingCommunity(queues, 30);
    await deadLetter(queues, 30);
    await awards.fix();

    // The tool's third DeleteMessageBatch never gets an answer: two batches are moved, the third is sent and still in the DLQ.
    const proxy = await startSqsProxy(process.env.TEST_SQS_ENDPOINT!, { action: 'DeleteMessageBatch', from: 3 });
    try {
      const run = spawnDlq(['redrive', 'prize-distribution', '--visibility-timeout', '2'], {
        ...testCredentials(),
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SQS: proxy.endpoint,
        AWS_SQS_QUEUE_URL: queues.queueUrl,
      });
      await waitFor(() => proxy.held() === 1, { what: 'the tool stuck between send and delete' });
      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
    } finally {
      await proxy.close();
    }
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 30, inFlight: 0 });
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 10 }); // sent, not deleted

    await new Promise((r) => setTimeout(r, 2500)); // the unfinished batch is back in the DLQ after its visibility timeout
    const again = await runDlq(['redrive', 'prize-distribution'], { AWS_SQS_QUEUE_URL: queues.queueUrl });
    expect(again.stdout).toContain('Moved 10 messages: CommunityNotFoundError 10.\nThe DLQ now holds 0 messages.\n');
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 40, inFlight: 0 }); // ten duplicates, nothing lost
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });

    worker = await startWorker(queues, { SQS_BATCH_SIZE: '10' });
    await appliedOnce({ keys: awards.ids, held: awards.held, total: awards.total }, queues);
  });

  describe('FIFO', () => {
    let queues: QueuePair;
    let consumer: ConsumerSettings;
    let publisher: DeadLetterPublisher;
    beforeEach(async () => {
      queues = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS);
      consumer = {
        name: 'bot-operations',
        queueUrl: queues.queueUrl,
        deadLetterQueueUrl: queues.dlqUrl,
        batchSize: 10,
        waitTimeSeconds: 0,
        visibilityTimeout: 30,
        maxReceiveCount: 20,
        retryBaseDelaySeconds: 1,
        retryMaxDelaySeconds: 1,
      };
      publisher = new DeadLetterPublisher(sqs, { consumers: [consumer], shutdownDrainTimeoutMs: 0 });
    });
    const settings = () => ({ BOT_OPERATIONS_QUEUE_URL: queues.queueUrl, BOT_OPERATIONS_DLQ_URL: queues.dlqUrl });

    /** Dead-letters operations as the worker does (the real publisher: same group, reason attributes). */
    const deadLetterOperations = async (operations: { group: string; seq: number; errorClass: string }[]) => {
      for (const op of operations) {
        const message: Message = {
          MessageId: randomUUID(),
          Body: JSON.stringify({ operationId: `${op.group}-${op.seq}`, seq: op.seq }),
          Attributes: { MessageGroupId: op.group },
        };
        await publisher.publish(consumer, message, {
          errorClass: op.errorClass,
          message: 'Missing Permissions',
          receiveCount: 1,
        });
      }
    };

    /** The queue's messages in delivery order, each deleted after it is read (a FIFO group goes on only then). */
    const consume = async (queueUrl: string) => {
      const order: { group: string; seq: number; dedup: string; errorClass?: string; originalMessageId?: string }[] =
        [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) return order;
        for (const m of Messages) {
          order.push({
            group: m.Attributes!.MessageGroupId!,
            seq: (JSON.parse(m.Body!) as { seq: number }).seq,
            dedup: m.Attributes!.MessageDeduplicationId!,
            errorClass: m.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue,
            originalMessageId: m.MessageAttributes?.[MessageAttribute.ORIGINAL_MESSAGE_ID]?.StringValue,
          });
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    };
    const seqs = (order: { group: string; seq: number }[], group: string) =>
      order.filter((o) => o.group === group).map((o) => o.seq);

    it('moves the whole DLQ message by message where the endpoint has no move task, keeping each group in order with a new deduplication id', async () => {
      const operations = Array.from({ length: 16 }, (_, n) => ({
        group: n % 4 === 3 ? 'channel:2' : 'user:1',
        seq: n,
        errorClass: 'DiscordMissingPermissionsError',
      }));
      await deadLetterOperations(operations);
      // Reading first: a FIFO DLQ gives out the head of each group only; everything stays, in order.
      const shown = await runDlq(['show', 'bot-operations'], settings());
      expect(shown.stdout).toContain(
        '16 messages, 0 in flight; read 2 (not all: a FIFO DLQ gives out the head of each message group), all left in place',
      );
      expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 16, inFlight: 0 });

      const { code, stdout } = await runDlq(['redrive', 'bot-operations'], settings());
      expect(code).toBe(0);
      expect(stdout).toContain(
        `bot-operations DLQ → ${queues.queueUrl}, message by message (the endpoint has no StartMessageMoveTask here: InvalidAction)`,
      );
      expect(stdout).toContain('Moved 16 messages: DiscordMissingPermissionsError 16.');

      const order = await consume(queues.queueUrl);
      expect(seqs(order, 'user:1')).toEqual(operations.filter((o) => o.group === 'user:1').map((o) => o.seq));
      expect(seqs(order, 'channel:2')).toEqual([3, 7, 11, 15]);
      expect(
        order.every(
          (o) => o.dedup.startsWith('redrive-') && o.errorClass === undefined && o.originalMessageId !== undefined,
        ),
      ).toBe(true);
      expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('--class never lets a message overtake an earlier one of its group that stays', async () => {
      await deadLetterOperations([
        { group: 'a', seq: 1, errorClass: 'DiscordMissingPermissionsError' },
        { group: 'b', seq: 1, errorClass: 'DiscordMissingPermissionsError' },
        { group: 'a', seq: 2, errorClass: 'UnknownMessageTypeError' },
        { group: 'a', seq: 3, errorClass: 'DiscordMissingPermissionsError' },
      ]);
      const { stdout } = await runDlq(['redrive', 'bot-operations', '--class', 'Discord*'], settings());
      expect(stdout).toContain('Moved 2 messages: DiscordMissingPermissionsError 2.');
      expect(stdout).toContain('Left in the DLQ: UnknownMessageTypeError 1.');
      expect(stdout).toContain('Read 3 of 4 (a FIFO group is read past a message only once that message leaves).');

      expect((await consume(queues.queueUrl)).map((o) => `${o.group}${o.seq}`).sort()).toEqual(['a1', 'b1']);
      expect((await consume(queues.dlqUrl)).map((o) => `${o.group}${o.seq}`)).toEqual(['a2', 'a3']); // still in order
    });
  });

  it('--rate caps the pace, and a terminal gets a progress bar', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const awards = await awardsForMissingCommunity(queues, 6);
    await deadLetter(queues, 6);
    const started = Date.now();
    const { code, stdout, stderr } = await runDlq(
      ['redrive', 'prize-distribution', '--rate', '2/s'],
      { AWS_SQS_QUEUE_URL: queues.queueUrl },
      { tty: true },
    );
    expect(code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // 2, 2 and 2 messages a second apart
    expect(stdout).toContain('Moved 6 messages');
    expect(stderr).toMatch(/█+░* 2\/6 read · 2 moved · /);
    expect(stderr).toMatch(/█+ 6\/6 read · 6 moved · /);
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: awards.ids.length, inFlight: 0 });
  });
});
