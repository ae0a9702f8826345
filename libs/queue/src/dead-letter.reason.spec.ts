import type { Message } from '@aws-sdk/client-sqs';
import { MessageAttribute } from '@discord-backbone/contracts';
import { readDeadLetter, replayAttributes, traceIdOf } from './dead-letter.reason';

const text = (value: string) => ({ DataType: 'String', StringValue: value });

describe('dead-letter reason', () => {
  const deadLettered: Message = {
    MessageId: 'dlq-copy',
    Body: '{"eventType":"ITEM_AWARDED"}',
    Attributes: { SentTimestamp: '1767225600000', MessageGroupId: 'g1' },
    MessageAttributes: {
      [MessageAttribute.ERROR_CLASS]: text('CommunityNotFoundError'),
      [MessageAttribute.ERROR_MESSAGE]: text('No community for Discord guild 1'),
      [MessageAttribute.ORIGINAL_MESSAGE_ID]: text('first-delivery'),
      [MessageAttribute.ORIGINAL_RECEIVE_COUNT]: { DataType: 'Number', StringValue: '3' },
      [MessageAttribute.ORIGINAL_QUEUE]: text('prize-distribution'),
      [MessageAttribute.FAILED_AT]: text('2026-01-01T00:00:05.000Z'),
      [MessageAttribute.TRACEPARENT]: text('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
      operation_type: text('INVITE_USER'),
    },
  };

  it('reads the reason attributes the publisher writes', () => {
    expect(readDeadLetter(deadLettered)).toEqual({
      messageId: 'dlq-copy',
      originalMessageId: 'first-delivery',
      errorClass: 'CommunityNotFoundError',
      errorMessage: 'No community for Discord guild 1',
      receiveCount: 3,
      originalQueue: 'prize-distribution',
      failedAt: new Date('2026-01-01T00:00:05.000Z'),
      sentAt: new Date('2026-01-01T00:00:00.000Z'),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      messageGroupId: 'g1',
      body: '{"eventType":"ITEM_AWARDED"}',
    });
  });

  it('reads a message the redrive policy moved (no reason) with its own id as the original', () => {
    expect(
      readDeadLetter({
        MessageId: 'm1',
        Body: 'x',
        MessageAttributes: { [MessageAttribute.FAILED_AT]: text('garbage') },
      }),
    ).toEqual({
      messageId: 'm1',
      originalMessageId: 'm1',
      errorClass: undefined,
      errorMessage: undefined,
      receiveCount: undefined,
      originalQueue: undefined,
      failedAt: undefined,
      sentAt: undefined,
      traceId: undefined,
      messageGroupId: undefined,
      body: 'x',
    });
  });

  it('replays with every attribute but the stale reason, and the original message id', () => {
    expect(replayAttributes(deadLettered)).toEqual({
      [MessageAttribute.ORIGINAL_MESSAGE_ID]: { DataType: 'String', StringValue: 'first-delivery' },
      [MessageAttribute.TRACEPARENT]: {
        DataType: 'String',
        StringValue: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      operation_type: { DataType: 'String', StringValue: 'INVITE_USER' },
    });
    expect(replayAttributes({ MessageId: 'moved-by-policy', Body: '' })).toEqual({
      [MessageAttribute.ORIGINAL_MESSAGE_ID]: { DataType: 'String', StringValue: 'moved-by-policy' },
    });
  });

  it('takes the trace id from a well-formed traceparent only', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('00-xyz-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});
