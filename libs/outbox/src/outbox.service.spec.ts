import { QueueName } from '@discord-backbone/contracts';
import type { PrismaService } from '@discord-backbone/prisma';
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

describe('OutboxService.stage', () => {
  it('stages through a pg client with one parameterised INSERT (values bound, never spliced)', async () => {
    const query = jest.fn().mockResolvedValue({ rowCount: 2 });
    await outbox().stage({ query }, [
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
    await outbox({ table: 'discord_backbone.outbox_messages' }).stage({ $executeRawUnsafe }, message);
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
      .stage({ query }, message)
      .then(() => expect(query.mock.calls[0][0]).toMatch(/^INSERT INTO "odd""name" \(/));
  });

  it('refuses a table name that is not "table" or "schema.table"', () => {
    expect(() => outbox({ table: 'a.b.c' })).toThrow(TypeError);
    expect(() => outbox({ table: 'public.' })).toThrow(TypeError);
  });

  it('throws a TypeError naming both accepted shapes for a client of neither', async () => {
    await expect(outbox().stage({ execute: jest.fn() } as unknown as HostTransaction, message)).rejects.toThrow(
      new TypeError(
        'Expected a host transaction: a Prisma interactive-transaction client ($executeRawUnsafe) or a pg client (query(text, values))',
      ),
    );
    await expect(outbox().stage(null as unknown as HostTransaction, message)).rejects.toThrow(TypeError);
  });

  it('refuses the Prisma client itself and a pg Pool: neither is a transaction', async () => {
    const prismaClient = { $executeRawUnsafe: jest.fn(), $transaction: jest.fn() };
    await expect(outbox().stage(prismaClient, message)).rejects.toThrow(/Prisma interactive transaction/);
    const pool = { query: jest.fn(), connect: jest.fn(), totalCount: 0 };
    await expect(outbox().stage(pool, message)).rejects.toThrow(/got a pg Pool/);
    expect(prismaClient.$executeRawUnsafe).not.toHaveBeenCalled();
    expect(pool.query).not.toHaveBeenCalled();
  });

  it('refuses a destination without a queue URL before touching the transaction', async () => {
    const query = jest.fn();
    await expect(outbox().stage({ query }, { ...message, destination: QueueName.CAMPAIGN })).rejects.toThrow(
      /No queue URL is configured for outbox destination "campaign"/,
    );
    expect(query).not.toHaveBeenCalled();
  });
});
