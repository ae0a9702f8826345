import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One SQS client for every consumer and producer. With an endpoint override the SDK must not
 * send calls to the queue URL's host (emulators hand out URLs like sqs.us-east-1.localhost,
 * which do not resolve), so `useQueueUrlAsEndpoint` is turned off. Requests are bounded: a hung
 * connection must fail (and be retried by whoever called) rather than stall a consumer or the
 * outbox dispatcher; 30 s is above the longest long poll (20 s).
 */
export function createSqsClient(options: { region: string; endpoint?: string }): SQSClient {
  return new SQSClient({
    region: options.region,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
    ...(options.endpoint ? { endpoint: options.endpoint, useQueueUrlAsEndpoint: false } : {}),
  });
}
