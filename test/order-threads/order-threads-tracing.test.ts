import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { orderThreadsRig, OrderThreadsRig, seedParticipants } from '../support/order-threads';
import { waitFor } from '../support/sqs';
import { captureSpans } from '../support/tracing';

const spans = captureSpans();

describe('tracing of an order thread', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: OrderThreadsRig;

  beforeAll(async () => {
    rig = await orderThreadsRig(sqs);
  });
  afterAll(() => rig.close());

  it("is one trace: the order's transaction → outbox → SQS → worker → each Discord call → answer applied by the API", async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { customer, assignee, community } = await seedParticipants(prisma, rig);
    const { body: order } = await http<{ id: string }>(url, 'POST', '/orders', {
      title: 'Traced',
      customerId: customer.id,
      assignedId: assignee.id,
      communityId: community.id,
    });
    await waitFor(
      async () =>
        (await prisma.discordThreadLink.findFirst({ where: { entityId: order.id, status: 'created' } })) ?? undefined,
      { what: 'thread created' },
    );

    const all = (): ReadableSpan[] => spans.getFinishedSpans();
    // The API request's spans (Jest loads http before instrumentation can patch it, so the HTTP
    // server span itself is missing here; in the apps it is the root): the order's transaction.
    const send = await waitFor(() => all().find((s) => s.name === 'outbox.send discord'), { what: 'outbox send span' });
    const traceId = send.spanContext().traceId;
    const inTrace = () => all().filter((s) => s.spanContext().traceId === traceId);
    const backend = await waitFor(
      () =>
        inTrace().find(
          (s) =>
            s.name === 'sqs.process_message' &&
            s.attributes['messaging.destination.name'] === 'backend' &&
            s.attributes['messaging.outcome'] === 'applied',
        ),
      { what: 'the answer applied in the same trace' },
    );

    const byId = new Map(inTrace().map((s) => [s.spanContext().spanId, s]));
    const chain = (span: ReadableSpan): string[] => {
      const names = [span.name];
      for (let p = byId.get(span.parentSpanContext?.spanId ?? ''); p; p = byId.get(p.parentSpanContext?.spanId ?? ''))
        names.push(p.name);
      return names;
    };
    const worker = inTrace().find(
      (s) => s.name === 'sqs.process_message' && s.attributes['messaging.destination.name'] === 'discord',
    )!;
    expect(worker.attributes).toMatchObject({
      'messaging.message.type': 'create_thread',
      'messaging.outcome': 'applied',
    });
    expect(chain(worker).slice(0, 2)).toEqual(['sqs.process_message', 'outbox.send discord']);
    expect(chain(send)).toContain('prisma:client:transaction'); // staged inside the order's transaction

    const discordCalls = inTrace()
      .filter((s) => s.name.startsWith('discord.'))
      .map((s) => s.name);
    expect(discordCalls).toEqual(
      expect.arrayContaining([
        'discord.createThread',
        'discord.addThreadMember',
        'discord.sendMessage',
        'discord.createInvite',
      ]),
    );
    for (const call of inTrace().filter((s) => s.name.startsWith('discord.')))
      expect(chain(call)).toContain('sqs.process_message');
    // The answer's consumer span descends from the worker's handling of the request.
    expect(chain(backend)).toContain('outbox.send discord');
    // An invite code is a secret (anyone with it joins): no span carries it, in any attribute, event or status.
    const { inviteCode } = await prisma.discordThreadLink.findFirstOrThrow({ where: { entityId: order.id } });
    expect(inviteCode).toEqual(expect.any(String));
    expect(JSON.stringify(all().map((s) => [s.name, s.attributes, s.events, s.status]))).not.toContain(inviteCode!);
  });
});
