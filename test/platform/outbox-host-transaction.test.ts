import { Test, TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { QueueName } from '@discord-backbone/contracts';
import {
  HostTransaction,
  OutboundMessage,
  OutboxDispatcher,
  OutboxModule,
  OutboxService,
} from '@discord-backbone/outbox';
import { DEFAULT_BACKBONE_SCHEMA, PrismaModule } from '@discord-backbone/prisma';
import { SqsClientModule } from '@discord-backbone/queue';
import { testPrisma } from '../support/database';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, drainQueue, QueuePair } from '../support/sqs';

/**
 * A host stages messages in its own transaction, through its own client: the message is sent if
 * and only if the host's change commits. The host's data lives in its own schema, beside ours; its
 * connection has no search_path to the backbone's, so the outbox table is named in full.
 */
describe('outbox: staging in the host’s transaction', () => {
  const { sqs, prisma } = useTestInfra();
  let queue: QueuePair;
  let module: TestingModule;
  let outbox: OutboxService;
  let dispatcher: OutboxDispatcher;
  let host: Client;
  /** A second Prisma client stands in for the host's own: only its raw calls are used. */
  let hostPrisma: ReturnType<typeof testPrisma>;

  beforeAll(async () => {
    queue = await createSystemQueue(sqs, QueueName.DISCORD, { prefix: 'outbox-host' });
    module = await Test.createTestingModule({
      imports: [
        PrismaModule.forRootAsync({ useFactory: () => ({ databaseUrl: process.env.TEST_DATABASE_URL! }) }),
        SqsClientModule.forRootAsync({
          useFactory: () => ({ region: 'us-east-1', endpoint: process.env.TEST_SQS_ENDPOINT! }),
        }),
        // The consumer role has the dispatcher; never initialised here, it does not run by itself, and the
        // test dispatches by hand, so each test sees exactly what its transaction left behind.
        OutboxModule.forRoot({
          role: 'consumer',
          destinations: { [QueueName.DISCORD]: queue.queueUrl },
          table: `${DEFAULT_BACKBONE_SCHEMA}.outbox_messages`,
        }),
      ],
    }).compile();
    module.useLogger(false);
    outbox = module.get(OutboxService);
    dispatcher = module.get(OutboxDispatcher);
    host = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await host.connect();
    await host.query(
      'CREATE SCHEMA IF NOT EXISTS host_app; CREATE TABLE IF NOT EXISTS host_app.orders (id text PRIMARY KEY)',
    );
    hostPrisma = testPrisma();
  });

  afterAll(async () => {
    await host.query('DROP SCHEMA host_app CASCADE');
    await host.end();
    await hostPrisma.$disconnect();
    await module.close();
  });

  beforeEach(() => host.query('TRUNCATE host_app.orders'));

  const message = (orderId: string): OutboundMessage => ({
    destination: QueueName.DISCORD,
    body: { type: 'create_thread', order_id: orderId },
    orderingKey: `order:${orderId}`,
    attributes: { type: 'create_thread' },
  });

  /** Relays what is staged and returns the order ids that reached the queue. */
  async function sent(): Promise<string[]> {
    await dispatcher.dispatchOnce();
    const received = await drainQueue(sqs, queue.queueUrl);
    return received.map((m) => (JSON.parse(m.Body!) as { order_id: string }).order_id).sort();
  }

  async function hostOrders(): Promise<string[]> {
    return (await host.query<{ id: string }>('SELECT id FROM host_app.orders ORDER BY id')).rows.map((r) => r.id);
  }

  /** The host's change and its message, in the host's pg transaction. */
  async function inPgTransaction(orderId: string, end: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    await host.query('BEGIN');
    await host.query('INSERT INTO host_app.orders (id) VALUES ($1)', [orderId]);
    await outbox.stageMessages(host, message(orderId));
    await host.query(end);
  }

  it('sends a message staged on a pg client when the host’s transaction commits', async () => {
    await inPgTransaction('pg-commit', 'COMMIT');
    expect(await hostOrders()).toEqual(['pg-commit']);
    expect(await sent()).toEqual(['pg-commit']);
  });

  it('sends nothing when the host’s pg transaction rolls back', async () => {
    await inPgTransaction('pg-rollback', 'ROLLBACK');
    expect(await hostOrders()).toEqual([]);
    expect(await prisma.outboxMessage.count()).toBe(0);
    expect(await sent()).toEqual([]);
  });

  it('sends a message staged in a Prisma interactive transaction when it commits, and nothing when it throws', async () => {
    await hostPrisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO host_app.orders (id) VALUES ('prisma-commit')`;
      await outbox.stageMessages(tx, [message('prisma-commit'), message('prisma-commit-2')]);
    });
    const failure = hostPrisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO host_app.orders (id) VALUES ('prisma-rollback')`;
      await outbox.stageMessages(tx, message('prisma-rollback'));
      throw new Error('the host changed its mind');
    });
    await expect(failure).rejects.toThrow('the host changed its mind');

    expect(await hostOrders()).toEqual(['prisma-commit']);
    expect(await sent()).toEqual(['prisma-commit', 'prisma-commit-2']);
  });

  it('writes the row the dispatcher reads: columns, JSON body and attributes', async () => {
    await inPgTransaction('attrs', 'COMMIT');
    const [row] = await prisma.outboxMessage.findMany();
    expect(row).toMatchObject({
      destination: 'discord',
      orderingKey: 'order:attrs',
      messageGroupId: null,
      deduplicationId: null,
      attributes: { type: 'create_thread' },
    });
    expect(JSON.parse(row.body)).toEqual({ type: 'create_thread', order_id: 'attrs' });
  });

  it('refuses a client of neither shape with a TypeError, and the Prisma client itself (no transaction)', async () => {
    await expect(
      outbox.stageMessages({ run: () => undefined } as unknown as HostTransaction, message('odd')),
    ).rejects.toThrow(TypeError);
    await expect(outbox.stageMessages(hostPrisma, message('root'))).rejects.toThrow(/interactive transaction/);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });
});
