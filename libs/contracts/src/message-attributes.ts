/** SQS message attribute names shared by producers, consumers and DLQ readers. */
export const MessageAttribute = {
  /** W3C trace context of the producer, continued by the consumer. */
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
  /** Set on every message a consumer dead-letters itself. */
  ERROR_CLASS: 'error.class',
  ERROR_MESSAGE: 'error.message',
  ORIGINAL_MESSAGE_ID: 'original.message_id',
  ORIGINAL_RECEIVE_COUNT: 'original.receive_count',
  ORIGINAL_QUEUE: 'original.queue',
  FAILED_AT: 'failed_at',
} as const;
