import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { ConsumerSettings } from '../queue.options';
import { InFlightRegistry } from './in-flight.registry';
import { MessageVisibility } from './message-visibility';
import type { TaskProtection } from './task-protection';

const consumer: ConsumerSettings = {
  name: 'prize-distribution',
  queueUrl: 'https://sqs/1/prizes',
  batchSize: 10,
  waitTimeSeconds: 1,
  visibilityTimeout: 3, // a heartbeat every second
  maxReceiveCount: 3,
  retryBaseDelaySeconds: 10,
  retryMaxDelaySeconds: 900,
};

const message = (id: string): Message => ({ MessageId: id, ReceiptHandle: `receipt-${id}`, Body: '{}' });

/** An SQS client that records each command (by name, without `Command`) and answers `{}`, or fails when told to. */
function recordingSqs(fail = false) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  const sqs = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ command: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return fail ? Promise.reject(new Error('SQS is down')) : Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { sqs, calls };
}

function registry(sqs: SQSClient) {
  const protection = { acquire: jest.fn(), release: jest.fn() };
  return {
    registry: new InFlightRegistry(new MessageVisibility(sqs), protection as unknown as TaskProtection),
    protection,
  };
}

/** Each visibility change as `receipt handle → seconds`, in call order. */
function changes(calls: { command: string; input: Record<string, unknown> }[]) {
  return calls.map(({ command, input }) => {
    if (command === 'ChangeMessageVisibility')
      return { command, set: { [String(input.ReceiptHandle)]: input.VisibilityTimeout } };
    const entries = input.Entries as { ReceiptHandle: string; VisibilityTimeout: number }[];
    return { command, set: Object.fromEntries(entries.map((e) => [e.ReceiptHandle, e.VisibilityTimeout])) };
  });
}

describe('InFlightBatch.handBack', () => {
  afterEach(() => jest.useRealTimers());

  it('hands one message back with ChangeMessageVisibility, several with one ChangeMessageVisibilityBatch, none with no call', async () => {
    const { sqs, calls } = recordingSqs();
    const [a, b, c] = ['a', 'b', 'c'].map(message);
    const batch = registry(sqs).registry.track(consumer, [a, b, c]);
    await batch.handBack([], 10);
    await batch.handBack([a], 20);
    await batch.handBack([b, c], 0);
    await batch.stopHeartbeat();

    expect(calls).toEqual([
      {
        command: 'ChangeMessageVisibility',
        input: { QueueUrl: consumer.queueUrl, ReceiptHandle: 'receipt-a', VisibilityTimeout: 20 },
      },
      {
        command: 'ChangeMessageVisibilityBatch',
        input: {
          QueueUrl: consumer.queueUrl,
          Entries: [
            { Id: '0', ReceiptHandle: 'receipt-b', VisibilityTimeout: 0 },
            { Id: '1', ReceiptHandle: 'receipt-c', VisibilityTimeout: 0 },
          ],
        },
      },
    ]);
  });

  it('never throws when SQS refuses: the message comes back when its current visibility ends', async () => {
    const { sqs, calls } = recordingSqs(true);
    const batch = registry(sqs).registry.track(consumer, [message('a')]);
    await expect(batch.handBack([message('a')], 10)).resolves.toBeUndefined();
    await batch.stopHeartbeat();
    expect(calls).toHaveLength(1);
  });

  it('takes a handed-back message out of the heartbeat, which keeps extending the others', async () => {
    jest.useFakeTimers();
    const { sqs, calls } = recordingSqs();
    const [a, b, c] = ['a', 'b', 'c'].map(message);
    const batch = registry(sqs).registry.track(consumer, [a, b, c]);

    jest.advanceTimersByTime(1000);
    await batch.handBack([a], 30);
    batch.handBackLater(b, 60); // its call comes later, once the heartbeat has stopped
    jest.advanceTimersByTime(1000);
    await batch.stopHeartbeat();
    jest.advanceTimersByTime(5000);

    expect(changes(calls)).toEqual([
      { command: 'ChangeMessageVisibilityBatch', set: { 'receipt-a': 3, 'receipt-b': 3, 'receipt-c': 3 } },
      { command: 'ChangeMessageVisibility', set: { 'receipt-a': 30 } },
      { command: 'ChangeMessageVisibility', set: { 'receipt-c': 3 } },
    ]);
  });

  it("shutdown's drain hands back each unsettled message with its delay, the others at once, and nothing settled", async () => {
    const { sqs, calls } = recordingSqs();
    const { registry: inFlight } = registry(sqs);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(message);
    const batch = inFlight.track(consumer, [a, b, c, d]);
    batch.handBackLater(a, 30);
    batch.settle(b);

    expect(await inFlight.drain(Date.now(), () => false)).toBe(3);
    expect(inFlight.closing).toBe(true);
    expect(batch.isReleased()).toBe(true);
    expect(changes(calls)).toEqual(
      expect.arrayContaining([
        { command: 'ChangeMessageVisibility', set: { 'receipt-a': 30 } },
        { command: 'ChangeMessageVisibilityBatch', set: { 'receipt-c': 0, 'receipt-d': 0 } },
      ]),
    );
    expect(calls).toHaveLength(2);
    expect(await batch.release()).toBe(0); // released once
    expect(calls).toHaveLength(2);
  });

  it('hands a receive that completed after the drain back at once, without holding it', async () => {
    const { sqs, calls } = recordingSqs();
    const { registry: inFlight, protection } = registry(sqs);
    await inFlight.drain(Date.now(), () => false);
    await inFlight.handBackUnheld(consumer, [message('a'), message('b')]);

    expect(changes(calls)).toEqual([
      { command: 'ChangeMessageVisibilityBatch', set: { 'receipt-a': 0, 'receipt-b': 0 } },
    ]);
    expect(protection.acquire).not.toHaveBeenCalled();
  });

  it('holds a tracked batch under task protection until it finishes', () => {
    const { sqs } = recordingSqs();
    const { registry: inFlight, protection } = registry(sqs);
    const batch = inFlight.track(consumer, [message('a'), message('b')]);
    expect(protection.acquire).toHaveBeenCalledWith(2);
    void batch.stopHeartbeat();
    batch.finish();
    batch.finish();
    expect(protection.release).toHaveBeenCalledTimes(1);
    expect(protection.release).toHaveBeenCalledWith(2);
  });
});
