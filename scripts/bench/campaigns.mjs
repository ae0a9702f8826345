// Benchmark of campaign channels (issue 9): the interactions endpoint and a campaign end to end.
//
//   npm run bench:campaigns -- [--rate R] [--seconds S] [--discord-latency-ms L] [--campaigns N]
//
// Phase 1, acknowledgement: signed /add-campaign interactions at R per second for S seconds
//   (20/s for 30 s) against the built API process; latency = POST → answer, as Discord sees it
//   (goal: p99 ≤ 100 ms, far inside Discord's 3 s). Each must be answered "deferred" (type 5) and
//   recorded with its first task. The worker is not running: this measures the API alone.
// Phase 2, end to end: N standard (10-channel) campaigns one after another, with the API and the
//   worker processes and the fake Discord answering every call after a fixed latency L (50 ms):
//   time from the acknowledgement to the summary on the progress message, and the Discord calls
//   each campaign took (the floor: one per object created, plus the pre-flight, the role for its
//   creator and the throttled edits).
//
// Importable: `benchCampaigns(options)` prints its figures through `options.log` and returns them;
// give it `fauxqsEndpoint` and `databaseBaseUrl` to share another bench's services.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createSystemQueuePair, ROOT } from '../local-services.mjs';
import { ownDatabase, ownFauxqs, ownSqsClient, percentiles, releaseAll, sleep, spawnApp, until } from './support.mjs';

const API_KEY = randomBytes(32).toString('base64url');
/**
 * Discord's Manage Channels permission bit (written out: this script needs no discord.js of its own).
 */
const MANAGE_CHANNELS = 1n << 4n;
const DEFAULTS = { rate: 20, seconds: 30, discordLatencyMs: 50, campaigns: 3 };

/**
 * Runs both phases; resolves with
 * `{ ack: { sent, p50, p95, p99, max, failures }, endToEnd: { latencyMs, campaigns: [{ ackToSummaryMs, discordCalls, byRoute }] } }`.
 * Throws when a check fails (an interaction not acknowledged or not recorded, a campaign not completed).
 */
export async function benchCampaigns(options = {}) {
  const opts = { ...DEFAULTS, log: console.log, ...options };
  const { log } = opts;
  const owned = []; // what this run started and must stop
  const stop = () => releaseAll(owned);
  try {
    // The Discord stand-in the tests use, as built (npm run bench builds first).
    const { startFakeDiscord, CAMPAIGN_BOT_PERMISSIONS } = await import(
      pathToFileURL(path.join(ROOT, 'dist', 'tools', 'discord-standin', 'src', 'index.js')).href
    );
    const fauxqsEndpoint = opts.fauxqsEndpoint ?? (await ownFauxqs(owned)).endpoint;
    const { databaseUrl, db } = await ownDatabase(owned, 'dqb_bench_campaigns', { baseUrl: opts.databaseBaseUrl });
    const sqs = await ownSqsClient(owned, fauxqsEndpoint);

    const discord = await startFakeDiscord();
    owned.push(() => discord.close());
    // A server with a GM allowed to run /add-campaign; each phase has its own, so phase 1's
    // campaigns (left in progress) do not count against phase 2's per-server quota.
    const server = () => {
      const guild = discord.addGuild({
        botPermissions: CAMPAIGN_BOT_PERMISSIONS,
        roles: [{ permissions: MANAGE_CHANNELS }],
      });
      const channelId = discord.addChannel(guild.id);
      const gmId = discord.addMember(guild.id, undefined, [guild.roleIds[0]]);
      return (name) =>
        discord.commandInteraction({
          guildId: guild.id,
          channelId,
          userId: gmId,
          name: 'add-campaign',
          options: { name },
        });
    };
    let command = server();
    const env = {
      DATABASE_URL: databaseUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_SQS: fauxqsEndpoint,
      API_KEYS: API_KEY,
      DISCORD_PUBLIC_KEY: discord.publicKey,
      // /add-campaign reads the server's roles from Discord.
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    };

    // ---- Phase 1: acknowledgement latency ---------------------------------------------------
    const total = opts.rate * opts.seconds;
    log(
      `\n== Campaigns, phase 1: signed /add-campaign at ${opts.rate}/s for ${opts.seconds} s (${total} interactions), API alone`,
    );
    const ackQueue = await createSystemQueuePair(sqs, `bench-campaign-ack-${randomUUID().slice(0, 8)}`, 'campaign');
    // Every interaction of this phase starts a campaign in the one server, and no worker ends any.
    const api = await spawnApp(
      'api',
      { ...env, CAMPAIGN_QUEUE_URL: ackQueue.queueUrl, CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: String(total + 10) },
      { owned },
    );
    discord.interactionsUrl = `${api.url}/interactions`;
    for (let i = 0; i < 10; i++) await discord.sendInteraction(command(`warm-up ${i}`)); // JIT, pools, caches
    const started = Date.now();
    const deliveries = [];
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / opts.rate - Date.now();
      if (wait > 0) await sleep(wait);
      deliveries.push(discord.sendInteraction(command(`Campaign ${i}`)));
    }
    const answers = await Promise.all(deliveries);
    const achieved = total / ((Date.now() - started) / 1000);
    const failures = answers.filter((a) => a.status !== 200 || a.body?.type !== 5).length;
    const { rows } = await db.query('SELECT count(*)::int AS n FROM campaigns');
    if (rows[0].n !== total + 10)
      throw new Error(`phase 1: ${rows[0].n} campaigns recorded for ${total + 10} interactions`);
    if (failures > 0) throw new Error(`phase 1: ${failures} interactions not answered "deferred"`);
    const ack = { sent: total, achievedRate: achieved, ...percentiles(answers.map((a) => a.ms)), failures };
    log(`sent ${total} at ${achieved.toFixed(1)}/s; every one answered "deferred" and recorded with its first task`);
    log(
      `acknowledgement latency: p50 ${ack.p50.toFixed(1)} ms, p95 ${ack.p95.toFixed(1)} ms, p99 ${ack.p99.toFixed(1)} ms, max ${ack.max.toFixed(1)} ms (goal p99 ≤ 100 ms: ${ack.p99 <= 100 ? 'met' : 'NOT met'})`,
    );
    // Phase 1's tasks leave for its own queue before its API stops (the outbox would send them to phase 2's).
    await until(
      async () =>
        (await db.query('SELECT count(*)::int AS n FROM outbox_messages WHERE sent_at IS NULL')).rows[0].n === 0,
      60_000,
      'the outbox to empty',
    );
    await api.stop();

    // ---- Phase 2: a campaign end to end against a Discord at a fixed distance ------------------
    log(
      `\n== Campaigns, phase 2: ${opts.campaigns} standard campaigns (10 channels) end to end, Discord answering after ${opts.discordLatencyMs} ms`,
    );
    const queue = await createSystemQueuePair(sqs, `bench-campaign-${randomUUID().slice(0, 8)}`, 'campaign');
    command = server();
    const e2eEnv = { ...env, CAMPAIGN_QUEUE_URL: queue.queueUrl };
    const api2 = await spawnApp('api', e2eEnv, { owned });
    const worker = await spawnApp(
      'worker',
      { ...e2eEnv, WORKER_CONSUMERS: 'campaign', CAMPAIGN_QUEUE_DLQ_URL: queue.dlqUrl },
      { owned },
    );
    discord.interactionsUrl = `${api2.url}/interactions`;
    discord.latencyMs = opts.discordLatencyMs;
    const campaigns = [];
    for (let i = 0; i < opts.campaigns; i++) {
      const before = discord.requests.length;
      const answer = await discord.sendInteraction(command(`End to end ${i}`));
      const ackedAt = Date.now();
      const original = discord.originalResponse(answer.interaction);
      const summaryAt = await until(
        () => discord.editsOf(original.id).find((e) => e.content.startsWith('✅ Campaign ready'))?.at,
        60_000,
        'the summary',
      ).catch(async (error) => {
        const state = await db.query('SELECT status, error, progress_via FROM campaigns WHERE interaction_id = $1', [
          answer.interaction.id,
        ]);
        throw new Error(
          `${error.message}: ${JSON.stringify(state.rows)}, ${discord.requests.length - before} Discord calls; the worker said:\n${worker.output()}`,
        );
      });
      await sleep(1500); // nothing should follow the summary; count it if something does
      const calls = discord.requests.slice(before);
      const byRoute = {};
      for (const r of calls) {
        const route = `${r.method} ${r.path.replace(/\/\d+/g, '/:id').replace(/^\/webhooks\/:id\/[^/]+/, '/webhooks/:id/:token')}`;
        byRoute[route] = (byRoute[route] ?? 0) + 1;
      }
      const edits = discord.editsOf(original.id).length;
      campaigns.push({
        ackToSummaryMs: summaryAt - ackedAt,
        ackMs: answer.ms,
        discordCalls: calls.length,
        edits,
        byRoute,
      });
      log(
        `campaign ${i + 1}: acknowledged in ${answer.ms.toFixed(0)} ms; summary ${summaryAt - ackedAt} ms later; ${calls.length} Discord calls (${edits} progress edits)`,
      );
    }
    const [first] = campaigns;
    log(
      `Discord calls of campaign 1, by route:\n${Object.entries(first.byRoute)
        .map(([route, n]) => `  ${String(n).padStart(3)}  ${route}`)
        .join('\n')}`,
    );
    return { ack, endToEnd: { discordLatencyMs: opts.discordLatencyMs, campaigns } };
  } finally {
    await stop();
  }
}

// Run alone: `npm run bench:campaigns`.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: String(DEFAULTS.rate) },
      seconds: { type: 'string', default: String(DEFAULTS.seconds) },
      'discord-latency-ms': { type: 'string', default: String(DEFAULTS.discordLatencyMs) },
      campaigns: { type: 'string', default: String(DEFAULTS.campaigns) },
    },
  });
  benchCampaigns({
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    discordLatencyMs: Number(values['discord-latency-ms']),
    campaigns: Number(values.campaigns),
  }).then(
    (result) => {
      console.log(
        `\n${JSON.stringify({ campaigns: { ack: result.ack, endToEnd: { ...result.endToEnd, campaigns: result.endToEnd.campaigns.map(({ byRoute, ...c }) => c) } } })}`,
      );
      process.exit(0);
    },
    (error) => {
      console.error(`\nBENCH FAILED: ${error?.stack ?? error}`);
      process.exit(1);
    },
  );
}
