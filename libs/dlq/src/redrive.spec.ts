import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { MessageAttribute } from '@discord-backbone/contracts';
import { OperatorError } from './dlq.errors';
import { DlqTarget } from './dlq.targets';
import { redrive } from './redrive';

type Handler = (input: Record<string, unknown>) => unknown;

/**
 * An SQS client that answers each command from a script (by command name) and records the calls:
 * for what fauxqs cannot show — a running move task, and AWS handing out several messages of one
 * FIFO group in a single receive.
 */
function scriptedSqs(script: Record<string, Handler>) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      const handler = script[name];
      if (!handler) return Promise.reject(Object.assign(new Error(`unscripted ${name}`), { name: 'Unscripted' }));
      try {
        return Promise.resolve(handler(command.input));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
  return {
    sqs: client as unknown as SQSClient,
    calls,
    named: (name: string) => calls.filter((c) => c.command === name),
  };
}

const attributes = {
  GetQueueAttributes: (input: Record<string, unknown>) => ({
    Attributes: {
      QueueArn: `arn:aws:sqs:us-east-1:1:${String(input.QueueUrl).split('/').pop()}`,
      ApproximateNumberOfMessages: '3',
      ApproximateNumberOfMessagesNotVisible: '0',
    },
  }),
};
const standard: DlqTarget = {
  name: 'prize-distribution',
  queueUrl: 'https://sqs/1/prizes',
  dlqUrl: 'https://sqs/1/prizes-dlq',
  fifo: false,
};
const fifo: DlqTarget = {
  name: 'bot-operations',
  queueUrl: 'https://sqs/1/ops.fifo',
  dlqUrl: 'https://sqs/1/ops-dlq.fifo',
  fifo: true,
};

describe('redrive', () => {
  it('hands the whole DLQ to SQS move task where the endpoint runs it, capped at --rate, and follows it to the end', async () => {
    const progress = [
      { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 3 },
      { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 },
    ];
    let listed = 0;
    const { sqs, named } = scriptedSqs({
      ...attributes,
      ListMessageMoveTasks: () => ({ Results: listed++ === 0 ? [{ Status: 'COMPLETED' }] : [progress.shift()] }),
      StartMessageMoveTask: () => ({ TaskHandle: 'task-1' }),
    });
    const seen: number[] = [];
    const result = await redrive(sqs, standard, { rate: 50, onProgress: ({ moved }) => seen.push(moved) });

    expect(named('StartMessageMoveTask')[0].input).toEqual({
      SourceArn: 'arn:aws:sqs:us-east-1:1:prizes-dlq',
      DestinationArn: 'arn:aws:sqs:us-east-1:1:prizes',
      MaxNumberOfMessagesPerSecond: 50,
    });
    expect(result).toMatchObject({ method: 'move-task', moved: 3, failure: undefined, interrupted: false });
    expect(seen).toEqual([1, 3]);
    expect(named('ReceiveMessage')).toHaveLength(0);
  });

  it('reports a move task that failed, and refuses to start while another one runs', async () => {
    let listed = 0;
    const failing = scriptedSqs({
      ...attributes,
      ListMessageMoveTasks: () => ({
        Results: [
          listed++ === 0
            ? { Status: 'COMPLETED' }
            : {
                Status: 'FAILED',
                ApproximateNumberOfMessagesMoved: 1,
                FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
              },
        ],
      }),
      StartMessageMoveTask: () => ({ TaskHandle: 'task-2' }),
    });
    const result = await redrive(failing.sqs, standard);
    expect(result).toMatchObject({ method: 'move-task', moved: 1 });
    expect(result.failure).toEqual(
      new OperatorError("SQS's move task failed: AWS.SimpleQueueService.NonExistentQueue"),
    );

    const busy = scriptedSqs({
      ...attributes,
      ListMessageMoveTasks: () => ({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 7 }] }),
    });
    await expect(redrive(busy.sqs, standard)).rejects.toThrow(
      'A move task is already running on this DLQ (7 moved so far)',
    );
    expect(busy.named('StartMessageMoveTask')).toHaveLength(0);
  });

  it('moves message by message when the endpoint lists move tasks but refuses to start one', async () => {
    const { sqs, named } = scriptedSqs({
      ...attributes,
      ListMessageMoveTasks: () => ({ Results: [] }),
      StartMessageMoveTask: () => {
        throw Object.assign(new Error('Unsupported'), { name: 'UnsupportedOperation' });
      },
      ReceiveMessage: () => ({ Messages: [] }),
      ChangeMessageVisibilityBatch: () => ({}),
    });
    const result = await redrive(sqs, standard);
    expect(result).toMatchObject({
      method: 'message-by-message',
      methodReason: 'the endpoint refused StartMessageMoveTask: UnsupportedOperation',
      moved: 0,
    });
    expect(named('ReceiveMessage')).toHaveLength(1);
  });

  it('FIFO with --class: a group stops at its first message that stays, even when SQS hands out the later ones in the same receive', async () => {
    const message = (id: string, group: string, errorClass: string): Message => ({
      MessageId: id,
      ReceiptHandle: `rh-${id}`,
      Body: `{"id":"${id}"}`,
      Attributes: { MessageGroupId: group },
      MessageAttributes: { [MessageAttribute.ERROR_CLASS]: { DataType: 'String', StringValue: errorClass } },
    });
    const receives = [
      [message('a1', 'a', 'X'), message('a2', 'a', 'Y'), message('a3', 'a', 'X'), message('b1', 'b', 'X')],
      [],
    ];
    const { sqs, named } = scriptedSqs({
      ...attributes,
      ReceiveMessage: () => ({ Messages: receives.shift() }),
      SendMessage: (input) => ({ MessageId: `new-${String(input.MessageBody)}` }),
      DeleteMessageBatch: () => ({ Successful: [] }),
      ChangeMessageVisibilityBatch: () => ({}),
    });
    const result = await redrive(sqs, fifo, { errorClass: 'X' });

    expect(
      named('SendMessage').map((c) => [c.input.MessageBody, c.input.MessageGroupId, c.input.MessageDeduplicationId]),
    ).toEqual([
      ['{"id":"a1"}', 'a', 'redrive-a1'],
      ['{"id":"b1"}', 'b', 'redrive-b1'],
    ]);
    expect(named('DeleteMessageBatch')[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-a1' },
      { Id: '1', ReceiptHandle: 'rh-b1' },
    ]);
    expect(named('ChangeMessageVisibilityBatch')[0].input.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-a2', VisibilityTimeout: 0 },
      { Id: '1', ReceiptHandle: 'rh-a3', VisibilityTimeout: 0 },
    ]);
    expect(result).toMatchObject({ moved: 2, left: [['Y', 1]], behind: 1 });
  });

  it('leaves a message dead-lettered again since the run began, instead of going round in circles', async () => {
    const receives = [
      [
        {
          MessageId: 'again',
          ReceiptHandle: 'rh-again',
          Body: '{}',
          Attributes: { SentTimestamp: String(Date.now() + 60000) },
        },
      ],
      [],
    ];
    const { sqs, named } = scriptedSqs({
      ...attributes,
      ReceiveMessage: () => ({ Messages: receives.shift() }),
      ChangeMessageVisibilityBatch: () => ({}),
    });
    const result = await redrive(sqs, standard, { errorClass: 'none' });
    expect(result).toMatchObject({ moved: 0, returned: 1 });
    expect(named('SendMessageBatch')).toHaveLength(0);
  });
});
