import { CreateQueueCommand, DeleteQueueCommand, Message } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { MessageAttribute, QueueName } from '@discord-backbone/contracts';
import { characterAwarded, itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, drainQueue, queueDepth, QueuePair, send, waitFor } from '../support/sqs';
import { captureSpans, spansNamed } from '../support/tracing';
import { startWorker } from '../support/worker';

const spans = captureSpans();

describe('prize consumer errors, retries and redelivery', () => {
  const { sqs, prisma } = useTestInfra();
  let queues: QueuePair;
  let worker: INestApplication | undefined;

  beforeEach(() => spans.reset());
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  const attr = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;
  const dlqMessages = (n: number) =>
    waitFor(
      async () => {
        const got = await drainQueue(sqs, queues.dlqUrl);
        collected.push(...got);
        return collected.length >= n ? collected : undefined;
      },
      { what: `${n} dead-lettered messages` },
    );
  let collected: Message[] = [];
  beforeEach(() => {
    collected = [];
  });

  it('dead-letters every permanent error at once, with the reason, and applies nothing', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable, orphan } = await seedCommunity(prisma);
    const owner = await createUser(prisma, 'owner');
    const owned = await prisma.character.create({
      data: { communityId: community.id, name: 'Owned', ownerId: owner.id },
    });
    const guild = community.discordGuildId;
    const user = snowflake();
    const cases: Array<[string, unknown, RegExp]> = [
      ['MalformedMessageError', '{"eventType": "ITEM_AWARDED",', /not valid JSON/],
      [
        'MessageValidationError',
        { eventType: 'ITEM_AWARDED', discordGuildId: guild, discordUserId: user },
        /itemTypeId is required/,
      ],
      [
        'MessageValidationError',
        itemAwarded({ discordGuildId: guild, discordUserId: 'alice#1234', itemTypeId: stackable.id }),
        /discordUserId must be a Discord ID of 17–20 digits/,
      ],
      [
        'MessageValidationError',
        itemAwarded({ discordGuildId: guild, discordUserId: user, itemTypeId: stackable.id, quantity: '5' }),
        /positive integer/,
      ],
      [
        'MessageValidationError',
        itemAwarded({ discordGuildId: guild, discordUserId: user, itemTypeId: stackable.id, quantity: 0 }),
        /positive integer/,
      ],
      [
        'MessageValidationError',
        itemAwarded({ discordGuildId: guild, discordUserId: user, itemTypeId: stackable.id, quantity: 1e9 }),
        /must not exceed/,
      ],
      ['MessageValidationError', [1, 2, 3], /must be a JSON object/],
      [
        'UnknownMessageTypeError',
        { eventType: 'GOLD_RAINED', discordGuildId: guild, discordUserId: user },
        /Unknown eventType "GOLD_RAINED"/,
      ],
      [
        'CommunityNotFoundError',
        itemAwarded({ discordGuildId: snowflake(), discordUserId: user, itemTypeId: stackable.id }),
        /No community/,
      ],
      [
        'ItemTypeNotFoundError',
        itemAwarded({ discordGuildId: guild, discordUserId: user, itemTypeId: 'nope' }),
        /Item type nope/,
      ],
      [
        'CharacterNotFoundError',
        characterAwarded({ discordGuildId: guild, discordUserId: user, characterId: 'nope' }),
        /Character nope does not exist/,
      ],
      [
        'CharacterAlreadyOwnedError',
        characterAwarded({ discordGuildId: guild, discordUserId: user, characterId: owned.id }),
        /already owned/,
      ],
    ];
    worker = await startWorker(queues);
    const ids = new Map<string, [string, RegExp]>();
    for (const [errorClass, body, reason] of cases)
      ids.set(await send(sqs, queues.queueUrl, body), [errorClass, reason]);

    const dead = await dlqMessages(cases.length);
    expect(dead).toHaveLength(cases.length);
    for (const message of dead) {
      const [errorClass, reason] = ids.get(attr(message, MessageAttribute.ORIGINAL_MESSAGE_ID)!)!;
      expect(attr(message, MessageAttribute.ERROR_CLASS)).toBe(errorClass);
      expect(attr(message, MessageAttribute.ERROR_MESSAGE)).toMatch(reason);
      expect(attr(message, MessageAttribute.ORIGINAL_RECEIVE_COUNT)).toBe('1'); // never retried
      expect(attr(message, MessageAttribute.ORIGINAL_QUEUE)).toBe('prize-distribution');
    }
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await prisma.itemHolding.count()).toBe(0);
    expect(await prisma.pendingOwnership.count()).toBe(0);
    expect(await prisma.processedMessage.count()).toBe(0); // a rejected event is not recorded as done
    expect((await prisma.character.findUniqueOrThrow({ where: { id: orphan.id } })).ownerId).toBeNull();
  });

  it('dead-letters at once a value Postgres refuses (class 22, an overflowing stack), applying the rest of the batch', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const rich = await createUser(prisma, 'rich');
    await prisma.itemHolding.create({
      data: {
        userId: rich.id,
        itemTypeId: stackable.id,
        quantity: 2 ** 31 - 5,
        stackKey: `${rich.id}:${stackable.id}`,
      },
    });
    const award = (discordUserId: string) =>
      itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id, quantity: 10 });
    worker = await startWorker(queues);
    const overflow = await send(sqs, queues.queueUrl, award(rich.discordUserId!));
    await send(sqs, queues.queueUrl, award(snowflake()));

    const [dead] = await dlqMessages(1);
    expect(attr(dead, MessageAttribute.ORIGINAL_MESSAGE_ID)).toBe(overflow);
    expect(attr(dead, MessageAttribute.ERROR_CLASS)).toBe('DatabaseValueError');
    expect(attr(dead, MessageAttribute.ERROR_MESSAGE)).toBe('Postgres refused a value (22003): integer out of range');
    expect(attr(dead, MessageAttribute.ORIGINAL_RECEIVE_COUNT)).toBe('1');
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 1, { what: 'the other event applied' });
    expect((await prisma.itemHolding.findFirstOrThrow({ where: { userId: rich.id } })).quantity).toBe(2 ** 31 - 5);
  });

  it('keeps a message on the queue while its dead-letter queue is unreachable, then dead-letters it', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, { visibilityTimeout: 3 });
    worker = await startWorker(queues, { SQS_VISIBILITY_TIMEOUT: '3' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.dlqUrl }));
    await send(sqs, queues.queueUrl, '{"not json');
    await waitFor(() => spansNamed(spans, 'sqs.process_message').length >= 1, { what: 'a first attempt' });
    expect(spansNamed(spans, 'sqs.process_message')[0].attributes['messaging.outcome']).toBe('retry');
    const depth = await queueDepth(sqs, queues.queueUrl);
    expect(depth.visible + depth.inFlight).toBe(1); // not deleted

    await sqs.send(new CreateQueueCommand({ QueueName: `${queues.name}-dlq` }));
    const [dead] = await dlqMessages(1);
    expect(attr(dead, MessageAttribute.ERROR_CLASS)).toBe('MalformedMessageError');
    await waitFor(
      async () => {
        const d = await queueDepth(sqs, queues.queueUrl);
        return d.visible === 0 && d.inFlight === 0;
      },
      { what: 'source queue empty' },
    );
  });

  it('dead-letters an event id reused with another payload instead of skipping it as a duplicate', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    await createUser(prisma, 'kim', discordUserId);
    const event = itemAwarded({
      eventId: 'award-7',
      discordGuildId: community.discordGuildId,
      discordUserId,
      itemTypeId: stackable.id,
      quantity: 2,
    });
    worker = await startWorker(queues);
    await send(sqs, queues.queueUrl, event);
    await waitFor(async () => (await prisma.processedMessage.count()) === 1, { what: 'the first award' });
    await send(sqs, queues.queueUrl, JSON.stringify({ ...event, quantity: 2 }, Object.keys(event).reverse())); // same event, other spelling
    await send(sqs, queues.queueUrl, { ...event, quantity: 9 }); // same id, different award
    const [dead] = await dlqMessages(1);
    expect(attr(dead, MessageAttribute.ERROR_CLASS)).toBe('IdempotencyConflictError');
    expect(JSON.parse(dead.Body!)).toMatchObject({ quantity: 9 });
    await waitFor(
      async () => {
        const d = await queueDepth(sqs, queues.queueUrl);
        return d.visible === 0 && d.inFlight === 0;
      },
      { what: 'queue empty' },
    );
    expect((await prisma.itemHolding.findFirstOrThrow({ where: { itemTypeId: stackable.id } })).quantity).toBe(2);
  });

  it('applies a dead-lettered event once its cause is fixed and it is replayed, even beside a valid one', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'ivy', discordUserId);
    const missingGuild = snowflake();
    const early = itemAwarded({
      eventId: 'too-early',
      discordGuildId: missingGuild,
      discordUserId,
      itemTypeId: 'later',
    });
    await send(sqs, queues.queueUrl, early);
    await send(
      sqs,
      queues.queueUrl,
      itemAwarded({
        eventId: 'fine',
        discordGuildId: community.discordGuildId,
        discordUserId,
        itemTypeId: stackable.id,
      }),
    );
    worker = await startWorker(queues);
    const [dead] = await dlqMessages(1);
    expect(attr(dead, MessageAttribute.ERROR_CLASS)).toBe('CommunityNotFoundError');
    await waitFor(async () => (await prisma.processedMessage.count()) === 1, { what: 'the valid event' });

    const later = await prisma.community.create({ data: { name: 'Late guild', discordGuildId: missingGuild } });
    await prisma.itemType.create({ data: { id: 'later', communityId: later.id, name: 'Gem', stackable: true } });
    await send(sqs, queues.queueUrl, dead.Body!, dead.MessageAttributes); // the replay
    await waitFor(async () => (await prisma.processedMessage.count()) === 2, { what: 'the replayed event' });
    const holdings = await prisma.itemHolding.findMany({ where: { userId: user.id } });
    expect(Object.fromEntries(holdings.map((h) => [h.itemTypeId, h.quantity]))).toEqual({
      [stackable.id]: 1,
      later: 1,
    });
  });

  it('retries a transient database failure with growing delays, then applies it once', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, { maxReceiveCount: 5 });
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'erin', discordUserId);
    // The holdings table disappears: every attempt fails with a database error until it is back.
    await prisma.$executeRawUnsafe('ALTER TABLE item_holdings RENAME TO item_holdings_offline');
    try {
      worker = await startWorker(queues, { SQS_MAX_RECEIVE_COUNT: '5' });
      await send(
        sqs,
        queues.queueUrl,
        itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id, quantity: 3 }),
      );
      await waitFor(() => spansNamed(spans, 'sqs.process_message').length >= 2, { what: 'two failed attempts' });
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE item_holdings_offline RENAME TO item_holdings');
    }
    await waitFor(async () => (await prisma.processedMessage.count()) === 1, { what: 'the retried grant' });

    const attempts = spansNamed(spans, 'sqs.process_message').sort(
      (a, b) =>
        Number(a.attributes['messaging.aws.sqs.receive_count']) -
        Number(b.attributes['messaging.aws.sqs.receive_count']),
    );
    const delays = attempts
      .filter((s) => s.attributes['messaging.outcome'] === 'retry')
      .map((s) => s.attributes['messaging.retry_delay_seconds']);
    expect(delays.slice(0, 2)).toEqual([1, 2]);
    expect(attempts.at(-1)!.attributes['messaging.outcome']).toBe('applied');
    expect((await prisma.itemHolding.findMany({ where: { userId: user.id } })).map((h) => h.quantity)).toEqual([3]);
    expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
  });

  it('dead-letters a transient failure once the receive limit is reached, with the last error', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, { maxReceiveCount: 2 });
    const { community, stackable } = await seedCommunity(prisma);
    await prisma.$executeRawUnsafe('ALTER TABLE processed_messages RENAME TO processed_messages_offline');
    try {
      worker = await startWorker(queues, { SQS_MAX_RECEIVE_COUNT: '2' });
      await send(
        sqs,
        queues.queueUrl,
        itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id }),
      );
      const [dead] = await dlqMessages(1);
      expect(attr(dead, MessageAttribute.ERROR_CLASS)).toMatch(/^RetriesExhausted:/);
      expect(attr(dead, MessageAttribute.ORIGINAL_RECEIVE_COUNT)).toBe('2');
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE processed_messages_offline RENAME TO processed_messages');
    }
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('keeps a message invisible while a slow handler works, so it is delivered once', async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, { visibilityTimeout: 3 });
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'frank', discordUserId);
    // Hold the account lock the grant needs for three visibility timeouts: the handler is slow.
    await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${discordUserId}))`;
        worker = await startWorker(queues, { SQS_VISIBILITY_TIMEOUT: '3' });
        await send(
          sqs,
          queues.queueUrl,
          itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id }),
        );
        await new Promise((r) => setTimeout(r, 8000));
      },
      { timeout: 20000 },
    );
    await waitFor(async () => (await prisma.processedMessage.count()) === 1, { what: 'the slow grant' });
    await new Promise((r) => setTimeout(r, 3500)); // a redelivery, had there been one, would show by now
    const attempts = spansNamed(spans, 'sqs.process_message');
    expect(attempts).toHaveLength(1);
    expect(attempts[0].attributes).toMatchObject({
      'messaging.aws.sqs.receive_count': 1,
      'messaging.outcome': 'applied',
    });
    expect((await prisma.itemHolding.findMany({ where: { userId: user.id } })).map((h) => h.quantity)).toEqual([1]);
  });
});
