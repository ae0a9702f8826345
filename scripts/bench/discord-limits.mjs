// Benchmark of Discord's limits shared by replicas (issue 19 §1): W built worker processes consume
// forward_chat_message requests (one Discord message send each) from one SQS queue, against the
// Discord stand-in enforcing Discord's real limits (50 requests/s per bot token in any second,
// message sends 5 per 5 s per channel, real X-RateLimit-* headers), with a Discord-like latency.
// Work arrives at R requests/s for S s: twice the global limit's worth by default.
//
//   npm run bench:discord-limits -- [--workers 3] [--rate 100] [--seconds 60] [--channels 400] [--latency-ms 40] [--injected 5] [--max-wait-ms 250] [--unshared] [--progress]
//   --unshared: each worker by its own limits (the comparison: what the 429s were before)
//
// Prints: 429s the stand-in answered (goal 0 beside the ones it injects), invalid requests across
// the deployment against the budget, sends/s against the limit (goal ≥ 90% of 50/s sustained),
// the wait the shared limiter added (p50/p99 from the workers' histograms) and its statements'
// cost, messages dead-lettered (goal 0) and deferred to their queue.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createSystemQueuePair, ROOT } from '../local-services.mjs';
import { freePort, ownDatabase, ownFauxqs, ownSqsClient, releaseAll, sleep, spawnApp } from './support.mjs';

const DISCORD_LIMIT = 50;
const BUDGET = 2000;

export async function benchDiscordLimits({
  workers = 3,
  rate = 100,
  seconds = 60,
  channels = 400,
  latencyMs = 40,
  injected = 5,
  maxWaitMs = 250,
  shared = true,
  progress = false,
  log = console.log,
} = {}) {
  const owned = [];
  const stop = () => releaseAll(owned);
  try {
    const { startFakeDiscord } = await import(
      pathToFileURL(path.join(ROOT, 'dist', 'tools', 'discord-standin', 'src', 'index.js')).href
    );
    const fauxqs = await ownFauxqs(owned);
    const { databaseUrl, db } = await ownDatabase(owned, 'dqb_bench_discord_limits');
    const sqs = await ownSqsClient(owned, fauxqs.endpoint);
    const discordQueue = await createSystemQueuePair(sqs, 'bench-discord', 'discord');
    const backendQueue = await createSystemQueuePair(sqs, 'bench-backend', 'backend');

    const discord = await startFakeDiscord();
    owned.push(() => discord.close());
    discord.recordRequests = false;
    discord.latencyMs = latencyMs;
    const limits = discord.enforceRateLimits();
    const guildId = discord.addGuild().id;
    // One order thread per channel, known to the worker as created.
    const orders = [];
    for (let i = 0; i < channels; i++) {
      const threadId = discord.addChannel(guildId);
      const orderId = randomUUID();
      orders.push(orderId);
      await db.query(
        `INSERT INTO thread_creations (entity_type, entity_id, guild_id, channel_id, thread_name, thread_id) VALUES ('order', $1, $2, $3, $4, $3)`,
        [orderId, guildId, threadId, `order ${i}`],
      );
    }

    const env = {
      DATABASE_URL: databaseUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      WORKER_CONSUMERS: 'discord',
      DISCORD_QUEUE_URL: discordQueue.queueUrl,
      DISCORD_QUEUE_DLQ_URL: discordQueue.dlqUrl,
      BACKEND_QUEUE_URL: backendQueue.queueUrl,
      DISCORD_QUEUE_WAIT_TIME_SECONDS: '1',
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
      DISCORD_INVALID_REQUEST_BUDGET: String(BUDGET),
      DISCORD_RATE_LIMIT_MAX_WAIT_MS: String(maxWaitMs),
      DISCORD_SHARED_LIMITS: String(shared),
      LOG_LEVEL: 'error',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const replicas = [];
    for (let i = 0; i < workers; i++)
      replicas.push(await spawnWorker({ ...env, OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()) }, owned));

    // A few 429s the stand-in injects (what Discord may answer anyway): each must become a delayed retry.
    if (injected > 0)
      discord.failNext({ method: 'POST', path: /\/messages$/, status: 429, retryAfterSeconds: 2, times: injected });

    // The work: `rate` requests/s for `seconds` s, in batches of 10 every 10/rate s.
    const total = rate * seconds;
    const perSecond = [];
    let lastAccepted = 0;
    const sampler = setInterval(() => {
      perSecond.push(limits.accepted - lastAccepted);
      lastAccepted = limits.accepted;
      if (progress && perSecond.length % 5 === 0)
        log(
          `  ${perSecond.length} s: ${perSecond.slice(-5).join(' ')} sends/s; 429s ${limits.refused.global}+${limits.refused.route}`,
        );
    }, 1000);
    owned.push(() => clearInterval(sampler));
    const started = Date.now();
    for (let sent = 0; sent < total; sent += 10) {
      const entries = Array.from({ length: Math.min(10, total - sent) }, (_, k) => {
        const n = sent + k;
        const message = {
          type: 'forward_chat_message',
          payload: { chat_message_id: randomUUID(), author_name: 'Bench', content: `message ${n}` },
          metadata: {
            order_id: orders[n % orders.length],
            entity_type: 'order',
            created_at: new Date().toISOString(),
            retry_count: 0,
            request_id: randomUUID(),
          },
        };
        return { Id: String(k), MessageBody: JSON.stringify(message) };
      });
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: discordQueue.queueUrl, Entries: entries }));
      const due = started + ((sent + 10) / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const offeredSeconds = (Date.now() - started) / 1000;
    log(
      `offered: ${total} sends at ${(total / offeredSeconds).toFixed(0)}/s for ${offeredSeconds.toFixed(0)} s to ${workers} workers (${(total / offeredSeconds / DISCORD_LIMIT).toFixed(1)}× the global limit)`,
    );

    // Until every send is done (or dead-lettered).
    const deadline = Date.now() + (total / 30 + 120) * 1000;
    let done = 0;
    for (;;) {
      done = Number((await db.query(`SELECT count(*) FROM discord_effects WHERE key LIKE 'chat:%'`)).rows[0].count);
      const dead = await depth(sqs, discordQueue.dlqUrl);
      if (done + dead >= total) break;
      if (Date.now() > deadline) {
        log(`timed out: ${done} of ${total} sent, ${dead} dead-lettered; figures so far:`);
        break;
      }
      await sleep(1000);
    }
    const seconds_ = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const deadLettered = await depth(sqs, discordQueue.dlqUrl);

    const scraped = await Promise.all(replicas.map((r) => fetch(r.metricsUrl).then((res) => res.text())));
    const wait = mergeHistogram(scraped, 'discord_rate_limiter_wait', 'outcome="sent"');
    const deferredWait = mergeHistogram(scraped, 'discord_rate_limiter_wait', 'outcome="deferred"');
    const acquire = mergeHistogram(scraped, 'discord_rate_limiter_statement', 'statement="acquire"');
    const record = mergeHistogram(scraped, 'discord_rate_limiter_statement', 'statement="record"');
    const deferred = sumCounter(scraped, 'discord_rate_limiter_deferred_total');
    const invalid = Number(
      (await db.query(`SELECT COALESCE(sum(count), 0) AS n FROM discord_invalid_requests`)).rows[0].n,
    );

    // Sustained: the seconds from the first full second to the last one with a backlog (both ends cut).
    const busy = perSecond.slice(2, Math.max(3, perSecond.length - 3));
    const sustained = busy.reduce((a, b) => a + b, 0) / busy.length;
    const refused429 = limits.refused.global + limits.refused.route;
    const figures = {
      workers,
      offered: total,
      sent: done,
      seconds: seconds_,
      refused429,
      refusedGlobal: limits.refused.global,
      refusedRoute: limits.refused.route,
      injected429: injected,
      invalidRequests: invalid,
      budget: BUDGET,
      sustainedPerSecond: sustained,
      peakPerSecond: Math.max(...perSecond),
      limiterWait: wait,
      deferredWait,
      acquireStatement: acquire,
      recordStatement: record,
      deferred,
      deadLettered,
    };
    log(
      `429s answered by the stand-in: ${refused429} (global ${limits.refused.global}, route ${limits.refused.route}); injected: ${injected} (goal: 0 beside those)`,
    );
    log(
      `invalid requests across the deployment: ${invalid} in the window (401/403/429, shared count) against a budget of ${BUDGET} (Discord bans at 10,000)`,
    );
    log(
      `throughput: ${done} sends in ${seconds_.toFixed(1)} s; sustained ${sustained.toFixed(1)}/s = ${((sustained / DISCORD_LIMIT) * 100).toFixed(0)}% of ${DISCORD_LIMIT}/s (goal ≥ 90%); busiest second ${figures.peakPerSecond}`,
    );
    log(
      `wait added by the shared limiter (sent requests, ${wait.count}): p50 ${ms(wait.p50)}, p99 ${ms(wait.p99)} (bucket upper bounds)`,
    );
    log(
      `cost per request: acquire statement p50 ${ms(acquire.p50)} / p99 ${ms(acquire.p99)} (mean ${ms(acquire.mean)}), record statement p50 ${ms(record.p50)} / p99 ${ms(record.p99)} (mean ${ms(record.mean)})`,
    );
    log(
      `deferred to their queue by the limiter (visibility, not an attempt): ${deferred}; dead-lettered: ${deadLettered} (goal 0)`,
    );
    return figures;
  } finally {
    await stop();
  }
}

/** Quantiles of a Prometheus histogram summed over processes: the upper bound of the bucket the quantile falls in. */
function mergeHistogram(texts, name, label) {
  const buckets = new Map();
  let sum = 0;
  let count = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      // With or without the unit's suffix, whichever the exporter writes.
      const series = /^([a-z_]+?)(?:_seconds)?_(bucket|sum|count)\{/.exec(line);
      if (!series || series[1] !== name || !line.includes(label)) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (series[2] === 'bucket') {
        const le = /le="([^"]+)"/.exec(line)[1];
        buckets.set(le, (buckets.get(le) ?? 0) + value);
      } else if (series[2] === 'sum') sum += value;
      else count += value;
    }
  }
  const sorted = [...buckets.entries()]
    .map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n])
    .sort((a, b) => a[0] - b[0]);
  const quantile = (q) => sorted.find(([, n]) => n >= q * count)?.[0];
  return { count, mean: count ? sum / count : undefined, p50: quantile(0.5), p99: quantile(0.99) };
}

function sumCounter(texts, name) {
  let total = 0;
  for (const text of texts)
    for (const line of text.split('\n'))
      if (line.startsWith(name)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

const ms = (seconds) =>
  seconds === undefined ? 'n/a' : seconds === Infinity ? '> 60 s' : `≤ ${+(seconds * 1000).toFixed(1)} ms`;

async function depth(sqs, queueUrl) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

async function spawnWorker(env, owned) {
  const worker = await spawnApp('worker', env, { owned, liveWithinMs: 60_000 });
  return { ...worker, metricsUrl: `http://127.0.0.1:${env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics` };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '3' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '60' },
      channels: { type: 'string', default: '400' },
      'latency-ms': { type: 'string', default: '40' },
      injected: { type: 'string', default: '5' },
      'max-wait-ms': { type: 'string', default: '250' },
      progress: { type: 'boolean', default: false },
      unshared: { type: 'boolean', default: false },
    },
  });
  benchDiscordLimits({
    workers: Number(values.workers),
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    channels: Number(values.channels),
    latencyMs: Number(values['latency-ms']),
    injected: Number(values.injected),
    maxWaitMs: Number(values['max-wait-ms']),
    progress: values.progress,
    shared: !values.unshared,
  }).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
