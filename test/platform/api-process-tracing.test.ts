import { QueueName } from '@discord-backbone/contracts';
import { bearer, TEST_AUTH_ENV } from '../support/http';
import { useTestInfra } from '../support/infra';
import { startCollector } from '../support/otlp-collector';
import { createSystemQueue, drainQueue, waitFor } from '../support/sqs';
import { spawnApp, WorkerProcess } from '../support/worker-process';

describe('tracing in the built API process', () => {
  const { sqs, prisma } = useTestInfra();
  let api: WorkerProcess | undefined;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(async () => {
    api?.child.kill('SIGTERM');
    await api?.exited;
    await new Promise((resolve) => collector.server.close(resolve));
  });

  it('starts the trace at the HTTP request: POST /orders → transaction → outbox → the message’s traceparent', async () => {
    const queues = await createSystemQueue(sqs, QueueName.DISCORD);
    api = await spawnApp('api', {
      ...TEST_AUTH_ENV,
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
      AWS_SQS_ENABLED: 'false',
      DISCORD_QUEUE_URL: queues.queueUrl,
      OUTBOX_POLL_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
      OTEL_SERVICE_NAME: 'api',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const customer = await prisma.user.create({ data: { username: 'c', discordUserId: '123456789012345670' } });
    const community = await prisma.community.create({
      data: { name: 'G', discordGuildId: '123456789012345671', discordThreadChannelId: '123456789012345672' },
    });

    const res = await fetch(`http://127.0.0.1:${api.port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify({ title: 'Traced', customerId: customer.id, communityId: community.id }),
    });
    expect(res.status).toBe(201);
    const [message] = await waitFor(
      async () => {
        const received = await drainQueue(sqs, queues.queueUrl);
        return received.length > 0 ? received : undefined;
      },
      { what: 'create_thread on the queue' },
    );
    const [, traceId, parentSpanId] = message.MessageAttributes!.traceparent.StringValue!.split('-');

    const send = await waitFor(() => collector.spans.find((s) => s.name === 'outbox.send discord'), {
      what: 'outbox.send span exported',
    });
    expect(send.traceId).toBe(traceId);
    expect(send.spanId).toBe(parentSpanId); // the consumer continues from the send span
    const server = await waitFor(
      () =>
        collector.spans.find(
          (s) => s.traceId === traceId && s.kind === 2 && s.attributes.some((a) => a.value.stringValue === 'POST'),
        ),
      { what: 'HTTP server span in the same trace' },
    );
    const byId = new Map(collector.spans.map((s) => [s.spanId, s]));
    const ancestors: string[] = [];
    for (let p = byId.get(send.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) ancestors.push(p.name);
    expect(ancestors).toContain('prisma:client:transaction');
    expect(ancestors.at(-1)).toBe(server.name); // the request is the root
  });
});
