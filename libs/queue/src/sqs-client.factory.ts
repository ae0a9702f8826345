import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One SQS client for every consumer and producer. With an endpoint override the SDK must not
 * send calls to the queue URL's host (emulators hand out URLs like sqs.us-east-1.localhost,
 * which do not resolve), so `useQueueUrlAsEndpoint` is turned off.
 */
export function createSqsClient(options: { region: string; endpoint?: string }): SQSClient {
  return new SQSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, useQueueUrlAsEndpoint: false } : {}),
  });
}
