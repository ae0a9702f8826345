// Baseline for the benchmark: a bare consumer on @aws-sdk/client-sqs + pg that applies prize
// events with the same effects and guarantees as the worker (idempotency row in the same
// transaction as the effect, per-Discord-user advisory lock, delete only after COMMIT), with no
// framework around it. It shows what the hardware/Postgres/fauxqs allow, so the worker's
// throughput can be judged as a ratio.
//
// Run as its own process (the benchmark spawns it so both consumers are measured alike):
//   DATABASE_URL=... AWS_ENDPOINT_URL_SQS=... AWS_SQS_QUEUE_URL=... node scripts/bench/prizes-baseline.mjs
// Optional: BASELINE_LOOPS (concurrent receive loops, default 4), BASELINE_POOL_SIZE (default 10),
// SQS_WAIT_TIME_SECONDS (default 1). SIGTERM stops receiving, waits for in-flight work, exits 0.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { backboneConnection } from '../local-services.mjs';

const CONSUMER = 'prize-distribution'; // same idempotency key prefix as the worker
const SNOWFLAKE = /^\d{17,20}$/;

/** Starts the receive loops; resolves to a handle whose stop() drains and returns counters. */
export function startBaseline({ databaseUrl, endpoint, queueUrl, loops = 4, poolSize = 10, waitTimeSeconds = 1 }) {
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const pool = new pg.Pool({ ...backboneConnection(databaseUrl), max: poolSize });
  const stats = { applied: 0, duplicate: 0, failed: 0, deleted: 0, errors: [] };
  let running = true;

  async function loop() {
    while (running) {
      let messages;
      try {
        ({ Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        ));
      } catch (error) {
        note(stats, `receive: ${error.message}`);
        await sleep(200);
        continue;
      }
      if (messages.length === 0) continue;
      // The batch's messages run concurrently, each in its own transaction on the pool.
      const results = await Promise.allSettled(messages.map((m) => applyMessage(pool, m)));
      const done = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          stats[r.value] += 1;
          done.push(messages[i]);
        } else {
          // Not deleted: it comes back after the visibility timeout (the redrive policy ends it).
          stats.failed += 1;
          note(stats, `apply ${messages[i].MessageId}: ${r.reason?.message ?? r.reason}`);
        }
      });
      if (done.length > 0) {
        try {
          const { Failed = [] } = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
          stats.deleted += done.length - Failed.length;
          for (const f of Failed) note(stats, `delete: ${f.Code} ${f.Message}`);
        } catch (error) {
          note(stats, `delete: ${error.message}`);
        }
      }
    }
  }

  const loopsDone = Promise.all(Array.from({ length: loops }, loop));
  return {
    stats,
    async stop() {
      running = false;
      await loopsDone;
      await pool.end();
      sqs.destroy();
      return stats;
    },
  };
}

/** One message → one transaction: idempotency row, then the grant; 'applied' or 'duplicate'. */
async function applyMessage(pool, message) {
  const event = decode(message.Body);
  const key = event.eventId ? `${CONSUMER}:event:${event.eventId}` : `${CONSUMER}:message:${message.MessageId}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      'INSERT INTO processed_messages (key, queue, message_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
      [key, CONSUMER, message.MessageId],
    );
    if (rowCount === 1) await grantItem(client, event);
    await client.query('COMMIT');
    return rowCount === 1 ? 'applied' : 'duplicate';
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The ITEM_AWARDED effect, statement for statement what ItemPrizeHandler + ItemsService do. */
async function grantItem(client, event) {
  const community = await one(client, 'SELECT id FROM communities WHERE discord_guild_id = $1', [event.discordGuildId]);
  if (!community) throw new Error(`No community for Discord guild ${event.discordGuildId}`);
  const itemType = await one(client, 'SELECT id, stackable FROM item_types WHERE id = $1 AND community_id = $2', [
    event.itemTypeId,
    community.id,
  ]);
  if (!itemType) throw new Error(`Item type ${event.itemTypeId} does not exist in community ${community.id}`);
  // Serialises grants and account links for one Discord user (transaction-scoped).
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [event.discordUserId]);
  const user = await one(client, 'SELECT id FROM users WHERE discord_user_id = $1', [event.discordUserId]);

  if (!user) {
    await client.query(
      'INSERT INTO pending_ownerships (id, discord_user_id, community_id, item_type_id, quantity) VALUES ($1, $2, $3, $4, $5)',
      [randomUUID(), event.discordUserId, community.id, itemType.id, event.quantity],
    );
  } else if (itemType.stackable) {
    // One row per user and stackable type, incremented atomically.
    await client.query(
      `INSERT INTO item_holdings (id, user_id, item_type_id, quantity, stack_key, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (stack_key) DO UPDATE SET quantity = item_holdings.quantity + EXCLUDED.quantity, updated_at = now()`,
      [randomUUID(), user.id, itemType.id, event.quantity, `${user.id}:${itemType.id}`],
    );
  } else {
    // Non-stackable: one holding per unit.
    await client.query(
      `INSERT INTO item_holdings (id, user_id, item_type_id, quantity, updated_at)
       SELECT gen_random_uuid()::text, $1, $2, 1, now() FROM generate_series(1, $3::int)`,
      [user.id, itemType.id, event.quantity],
    );
  }
}

/** Just enough validation to refuse what the worker's DTO would refuse for ITEM_AWARDED. */
function decode(body) {
  const event = JSON.parse(body ?? '');
  const quantity = event.quantity ?? 1;
  if (
    event.eventType !== 'ITEM_AWARDED' ||
    !SNOWFLAKE.test(event.discordGuildId) ||
    !SNOWFLAKE.test(event.discordUserId) ||
    typeof event.itemTypeId !== 'string' ||
    !Number.isInteger(quantity) ||
    quantity < 1 ||
    quantity > 10_000
  ) {
    throw new Error('invalid ITEM_AWARDED event');
  }
  return { ...event, quantity };
}

async function one(client, text, values) {
  const { rows } = await client.query(text, values);
  return rows[0];
}

function note(stats, line) {
  if (stats.errors.length < 20) stats.errors.push(line);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// CLI entry point: configured like the worker, stopped by SIGTERM; prints its counters as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const baseline = startBaseline({
    databaseUrl: env.DATABASE_URL,
    endpoint: env.AWS_ENDPOINT_URL_SQS,
    queueUrl: env.AWS_SQS_QUEUE_URL,
    loops: Number(env.BASELINE_LOOPS ?? 4),
    poolSize: Number(env.BASELINE_POOL_SIZE ?? 10),
    waitTimeSeconds: Number(env.SQS_WAIT_TIME_SECONDS ?? 1),
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const stop = async () => {
    const stats = await baseline.stop();
    process.stdout.write(`${JSON.stringify({ stats })}\n`);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
