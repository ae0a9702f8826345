import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageAttribute, QueueName } from '@discord-backbone/contracts';
import { itemAwarded } from '../factories/prize-events';
import { snowflake } from '../support/database';
import { runDlq, spawnDlq, testCredentials } from '../support/dlq';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, queueDepth, QueuePair, send, waitFor } from '../support/sqs';
import { startWorker } from '../support/worker';
import { freePort } from '../support/worker-process';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = {
  [MessageAttribute.TRACEPARENT]: { DataType: 'String', StringValue: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
};

describe('DLQ tool: list, show, export, purge and its errors', () => {
  const { sqs } = useTestInfra();

  /** Real failures through the real worker: two events for a community that does not exist, one malformed body. */
  async function deadLettered(): Promise<{ queues: QueuePair; ids: string[]; guild: string }> {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const worker = await startWorker(queues);
    const guild = snowflake();
    const award = (n: number) => itemAwarded({ discordGuildId: guild, itemTypeId: 'gold', quantity: n });
    const ids = [
      await send(sqs, queues.queueUrl, award(1), traceparent),
      await send(sqs, queues.queueUrl, award(2), traceparent),
      await send(sqs, queues.queueUrl, '{"eventType": "ITEM_AW'),
    ];
    try {
      await waitFor(async () => (await queueDepth(sqs, queues.dlqUrl)).visible === 3, {
        what: 'three dead-lettered events',
      });
    } finally {
      await worker.close();
    }
    return { queues, ids, guild };
  }
  const settings = (queues: QueuePair) => ({ AWS_SQS_QUEUE_URL: queues.queueUrl });

  it('show lists each message with its reason and leaves them all in the DLQ', async () => {
    const { queues, ids, guild } = await deadLettered();

    const { code, stdout, stderr } = await runDlq(['show', 'prize-distribution'], settings(queues));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`DLQ of prize-distribution: ${queues.dlqUrl}`);
    expect(stdout).toMatch(/By error class:\n\s+CommunityNotFoundError\s+2\n\s+MalformedMessageError\s+1/);
    expect(stdout).toContain(`No community for Discord guild ${guild}`);
    expect(stdout).toMatch(/CommunityNotFoundError · failed \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+s ago\) after 1 receive/);
    expect(stdout).toContain(`original ${ids[0]}`);
    expect(stdout).toContain(`trace ${TRACE_ID}`);
    expect(stdout).toContain('body {"eventType": "ITEM_AW');
    // Read without consuming: every message is back in the DLQ at once, nothing in flight.
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });

    const json = await runDlq(
      ['show', 'prize-distribution', '--class', 'CommunityNotFoundError', '--json'],
      settings(queues),
    );
    const shown = JSON.parse(json.stdout) as {
      messages: number;
      read: number;
      byClass: Record<string, number>;
      listed: Record<string, unknown>[];
    };
    expect(shown).toMatchObject({
      messages: 3,
      read: 3,
      byClass: { CommunityNotFoundError: 2, MalformedMessageError: 1 },
    });
    expect(shown.listed).toHaveLength(2);
    for (const message of shown.listed) {
      expect(message).toMatchObject({
        errorClass: 'CommunityNotFoundError',
        receiveCount: 1,
        originalQueue: 'prize-distribution',
        traceId: TRACE_ID,
      });
      expect(ids.slice(0, 2)).toContain(message.originalMessageId);
      expect(Date.now() - Date.parse(String(message.failedAt))).toBeLessThan(60000);
      expect(JSON.parse(String(message.body))).toMatchObject({ discordGuildId: guild });
    }
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });

    const limited = await runDlq(['show', 'prize-distribution', '--limit', '1'], settings(queues));
    expect(limited.stdout.match(/ · failed /g)).toHaveLength(1);
    expect(limited.stdout).toContain('… and 2 more (--limit 1)');
  });

  it('list shows every queue with its DLQ depth and oldest failure, and which queues are not configured', async () => {
    const { queues } = await deadLettered();
    const { code, stdout } = await runDlq(['list'], { ...settings(queues), AWS_SQS_DLQ_URL: queues.dlqUrl });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^QUEUE\s+MESSAGES\s+IN FLIGHT\s+DLQ\s+DLQ IN FLIGHT\s+OLDEST FAILURE\nprize-distribution\s+0\s+0\s+3\s+0\s+\d+s\n/,
    );
    expect(stdout).toContain(
      'Not configured here: discord (DISCORD_QUEUE_URL), backend (BACKEND_QUEUE_URL), bot-operations (BOT_OPERATIONS_QUEUE_URL)',
    );

    const json = JSON.parse((await runDlq(['list', '--json'], settings(queues))).stdout) as {
      name: string;
      dlqUrl?: string;
      dlq?: { visible: number; oldestFailure: string; complete: boolean };
    }[];
    expect(json.find((row) => row.name === 'prize-distribution')).toMatchObject({
      dlqUrl: queues.dlqUrl,
      dlq: { visible: 3, complete: true },
    });
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
  });

  it('export writes one JSON line per message, with reason, attributes and body, without consuming them', async () => {
    const { queues, ids } = await deadLettered();
    const out = path.join(tmpdir(), `dlq-export-${process.pid}-${Date.now()}.ndjson`);
    const { code, stdout } = await runDlq(['export', queues.queueUrl, '--out', out], {});
    expect(code).toBe(0);
    expect(stdout).toContain(`Exported 3 messages of the ${queues.queueUrl} DLQ to ${out}`);
    type Line = {
      originalMessageId: string;
      errorClass: string;
      body: string;
      attributes: Record<string, string>;
      messageAttributes: Record<string, { StringValue?: string }>;
    };
    const lines = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    expect(lines.map((l) => l.originalMessageId).sort()).toEqual([...ids].sort());
    const malformed = lines.find((l) => l.errorClass === 'MalformedMessageError')!;
    expect(malformed.body).toBe('{"eventType": "ITEM_AW'); // byte for byte
    expect(malformed.messageAttributes[MessageAttribute.ERROR_MESSAGE].StringValue).toMatch(/not valid JSON/);
    expect(Number(malformed.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 3, inFlight: 0 });
    await rm(out);
  });

  it('purge asks for confirmation (refused without a terminal) and empties the DLQ with --yes', async () => {
    const { queues } = await deadLettered();
    const refused = await runDlq(['purge', 'prize-distribution'], settings(queues));
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'error: purge asks for confirmation: run it on a terminal, or pass --yes\n',
    });
    expect((await queueDepth(sqs, queues.dlqUrl)).visible).toBe(3);

    const purged = await runDlq(['purge', 'prize-distribution', '--yes'], settings(queues));
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain('Purged the DLQ of prize-distribution: 3 messages deleted');
    await waitFor(async () => (await queueDepth(sqs, queues.dlqUrl)).visible === 0, { what: 'an empty DLQ' });
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 }); // the source queue is never purged
  });

  it('names a wrong queue, an unset or missing queue, and lists the right names, in one line each', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    expect(await runDlq(['show', 'prizes'], settings(queues))).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: Unknown queue "prizes": the system\'s queues are prize-distribution, discord, backend, bot-operations, campaign (or give a queue URL)\n',
    });
    expect((await runDlq(['redrive', 'bot-operations'], settings(queues))).stderr).toBe(
      'error: Queue bot-operations is not configured here: set BOT_OPERATIONS_QUEUE_URL\n',
    );
    const gone = `${queues.queueUrl}-gone`;
    expect((await runDlq(['show', gone], {})).stderr).toBe(`error: Queue ${gone} does not exist\n`);
    expect((await runDlq(['show', queues.dlqUrl], {})).stderr).toBe(
      `error: Queue ${queues.dlqUrl} has no RedrivePolicy, so it has no DLQ to work on (give the source queue, not the DLQ)\n`,
    );
    // A DLQ setting naming the source queue itself: purge would delete live messages.
    const same = { AWS_SQS_QUEUE_URL: queues.queueUrl, AWS_SQS_DLQ_URL: queues.queueUrl };
    const itself = `error: AWS_SQS_DLQ_URL names the queue prize-distribution itself (${queues.queueUrl}): set it to the queue's DLQ\n`;
    for (const command of [
      ['show', 'prize-distribution'],
      ['purge', 'prize-distribution', '--yes'],
      ['redrive', 'prize-distribution'],
    ]) {
      expect(await runDlq(command, same)).toEqual({ code: 1, stdout: '', stderr: itself });
    }
    expect((await runDlq(['list', '--json'], same)).stdout).toContain(
      `AWS_SQS_DLQ_URL names the queue prize-distribution itself`,
    );
    expect((await runDlq(['list'], {})).stderr).toMatch(
      /^error: No queue of the system is configured here: set PRIZE_DISTRIBUTION_QUEUE_URL, DISCORD_QUEUE_URL/,
    );
    // The scheme's name and an older one for the same setting, with different values: refused, naming both (not the values).
    expect(
      await runDlq(['show', 'prize-distribution'], { ...settings(queues), PRIZE_DISTRIBUTION_QUEUE_URL: gone }),
    ).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: PRIZE_DISTRIBUTION_QUEUE_URL and AWS_SQS_QUEUE_URL are the same setting with different values: set PRIZE_DISTRIBUTION_QUEUE_URL only\n',
    });
    expect((await runDlq(['show', 'prize-distribution'], { PRIZE_DISTRIBUTION_QUEUE_URL: queues.queueUrl })).code).toBe(
      0,
    );
    expect((await runDlq(['redrive', 'prize-distribution', '--rate', 'fast'], settings(queues))).stderr).toMatch(
      /--rate must be messages per second from 1 to 500/,
    );
  });

  it('the built tool says so when the endpoint is unreachable or there are no credentials: short, no stack trace, exit 1', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await spawnDlq(['list'], {
      ...testCredentials(),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: closed,
      AWS_SQS_QUEUE_URL: queues.queueUrl,
    }).done;
    expect(unreachable).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `error: Cannot reach the SQS endpoint ${closed} (ECONNREFUSED)\n`,
    });

    const noCredentials = await spawnDlq(['show', 'prize-distribution'], {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
      AWS_SQS_QUEUE_URL: queues.queueUrl,
      // Nothing for the default chain to find, and no instance-metadata probe.
      HOME: tmpdir(),
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    }).done;
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(
      /^error: No AWS credentials found: the SDK looked for AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, AWS_PROFILE/,
    );
    expect(noCredentials.stderr.split('\n')).toHaveLength(2);
  });
});
