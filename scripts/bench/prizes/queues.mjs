// The prize bench's SQS side: prefilling a queue in batches, and its depth.
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';

/** Prefills a queue: batches of 10, 16 SendMessageBatch calls in flight. */
export async function sendAll(run, queueUrl, events) {
  const batches = chunk(events, 10);
  let next = 0;
  const lane = async () => {
    while (next < batches.length) await sendBatch(run, queueUrl, batches[next++]);
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}

/** One SendMessageBatch; entries the server reports as failed are resent (a few times). */
export async function sendBatch(run, queueUrl, events) {
  let entries = events.map((e, i) => ({ Id: String(i), MessageBody: JSON.stringify(e) }));
  for (let attempt = 0; entries.length > 0; attempt += 1) {
    if (attempt === 5) throw new Error(`SendMessageBatch kept failing for ${entries.length} entries`);
    const { Failed = [] } = await run.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const failed = new Set(Failed.map((f) => f.Id));
    entries = entries.filter((e) => failed.has(e.Id));
  }
}

export async function queueDepth(run, queueUrl) {
  const { Attributes = {} } = await run.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

export function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
