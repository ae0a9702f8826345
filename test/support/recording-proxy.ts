import { startHttpProxy } from './http-proxy';

/**
 * An HTTP proxy that keeps every request body it forwards: put in front of the SQS endpoint
 * (AWS_ENDPOINT_URL_SQS), it sees every message body and attribute an app sends, dead-letters included.
 */
export async function startRecordingProxy(
  target: string,
): Promise<{ endpoint: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const proxy = await startHttpProxy(target, (_req, body) => {
    bodies.push(body.toString('utf8'));
  });
  return { endpoint: proxy.url, bodies, close: () => proxy.close() };
}
