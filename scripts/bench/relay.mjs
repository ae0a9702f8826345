// Benchmark of the message relay: the built worker ingesting from the fake Discord gateway, the
// built API serving concurrent lease/ack clients, and a bare `pg` baseline running the very same
// lease/ack SQL (libs/relay/src/api/delivery.queries.ts, from the build) in the same run.
//
//   npm run bench:relay -- [--messages N] [--clients K] [--paced-rate R] [--paced-seconds S] [--rounds N] [--lease-limits 100,50]
//
// A  end to end: N messages posted through the fake gateway as fast as it sends them; K clients
//    lease (long polling) and ack; deliveries/s from the first post to the last ack.
// D  latency: R messages/s for S s through the gateway; ingest (post) → lease p50/p99 with K
//    long-polling clients (goal: p99 ≤ 50 ms at 200/s). Run before the drains, whose writes
//    leave Postgres busy for a while after.
// B  drain: N deliveries already in Postgres, leased and acked by K HTTP clients through the API…
// B0 …by the same clients through a bare node:http server running the same SQL, no framework
//    (relay/floor-server.mjs): the floor, what any HTTP server reaches on this machine…
// C  …and by K bare `pg` clients running the same statements: the baseline (goal: B ≥ 0.75 C).
//    At each lease limit (`--lease-limits`: the API's largest, 100, then 50), B, B0 and C drain
//    once uncounted, then alternate `rounds` times (5); the median ratios are reported, with the
//    CPU each process (API or floor server, Postgres, the benchmark's clients) spent per 1000
//    deliveries. The HTTP clients use node:http with keep-alive, as lean as `pg` is on C's side.
// Every phase checks that each delivery was handed out and acked exactly once.
//
// Exported as runRelayBench(options) → { figures printed, result }, so scripts/bench/index.mjs can run it
// as one of its phases; runnable alone as `npm run bench:relay`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from '../local-services.mjs';
import { check, drainers, httpClient, prefill, startFloorServer, timed } from './relay/drain.mjs';
import { ownDatabase, percentiles, releaseAll, spawnApp, until } from './support.mjs';

const TARGETS = { ratio: 0.75, p99Ms: 50 };
// The drains compare at the API's largest lease (a backend after throughput asks for it) and at 50.
const RELAY_MAX_LEASE = 100; // libs/contracts' RELAY_MAX_LEASE (its module needs Nest's reflect-metadata)
const A_LEASE_LIMIT = 50;
const DATABASE = 'dqb_bench_relay';
const BACKEND = 'bench';
const CHANNELS = 8; // messages are spread over channels: each channel's messages are ingested in order

export async function runRelayBench({
  messages = 10_000,
  clients = 8,
  pacedRate = 200,
  pacedSeconds = 10,
  rounds = 5,
  leaseLimits = [RELAY_MAX_LEASE, 50],
  log = console.log,
} = {}) {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dqb-bench-relay-'));
  const owned = []; // what this run started and must stop
  const failures = [];
  try {
    const { databaseUrl, db } = await ownDatabase(owned, DATABASE, { max: clients + 2 });
    // The Discord stand-in the tests use, as built (npm run bench builds first).
    const { startFakeDiscord } = await import(
      pathToFileURL(path.join(ROOT, 'dist', 'tools', 'discord-standin', 'src', 'index.js')).href
    );
    const discord = await startFakeDiscord();
    owned.push(() => discord.close());
    await discord.startGateway();
    const guildId = discord.addGuild().id;
    const channels = Array.from({ length: CHANNELS }, () => discord.addChannel(guildId));
    const key = randomBytes(32).toString('base64url');
    const config = path.join(logDir, 'relay.yaml');
    fs.writeFileSync(
      config,
      `discord_bots: [{ id: discord_bench, token: "${discord.token}", channel_allowlist: [${channels.map((c) => `"${c}"`).join(', ')}] }]\n` +
        `backend_bots: [{ id: ${BACKEND}, api_key: "${key}" }]\nrouting: { defaults: { discord_bench: ${BACKEND} } }\n`,
    );
    const common = {
      DATABASE_URL: databaseUrl,
      RELAY_CONFIG: config,
      DISCORD_API_BASE_URL: discord.apiUrl,
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      AWS_REGION: 'us-east-1',
    };
    const worker = await spawnApp(
      'worker',
      { ...common, WORKER_CONSUMERS: 'relay' },
      { owned, logFile: path.join(logDir, 'worker.log') },
    );
    const api = await spawnApp(
      'api',
      {
        ...common,
        API_KEYS: randomBytes(32).toString('base64url'),
        RELAY_RATE_LIMIT_PER_MINUTE: '1000000',
        OUTBOX_RELAY_ENABLED: 'false',
      },
      { owned, logFile: path.join(logDir, 'api.log') },
    );
    await until(
      async () => (await fetch(`${worker.url}/health/ready`).catch(() => undefined))?.ok,
      30_000,
      'the worker’s gateway connection',
      100,
    );
    const floor = await startFloorServer(databaseUrl, key, owned);
    const client = httpClient(api.url, key);

    // A: end to end.
    const posted = new Map();
    const a = await timed(DATABASE, async () => {
      const consumers = drainers(
        clients,
        () => client.lease({ limit: A_LEASE_LIMIT, visibility_seconds: 60, wait_seconds: 2 }),
        (r) => client.ack(r),
        messages,
      );
      for (let i = 0; i < messages; i++) {
        const m = discord.postMessage({
          channelId: channels[i % CHANNELS],
          authorId: '170000000000000001',
          content: `bench ${i}`,
        });
        posted.set(m.id, i);
        if (i % 200 === 199) await new Promise((r) => setImmediate(r)); // let the clients run
      }
      return consumers;
    });
    check(failures, 'A', a.value, messages);
    const endToEnd = { deliveries: a.value.count, seconds: a.seconds, perSecond: a.value.count / a.seconds };
    log(
      `A  end to end (gateway → worker → Postgres → API → ${clients} clients): ${endToEnd.deliveries} deliveries in ${endToEnd.seconds.toFixed(1)} s = ${endToEnd.perSecond.toFixed(0)}/s`,
    );

    // D: latency at a paced rate, with long polls; before the drains, whose writes (a few hundred
    // thousand row versions) leave Postgres vacuuming and checkpointing for a while after.
    const total = pacedRate * pacedSeconds;
    const sentAt = new Map();
    const postedAt = new Map();
    const latencies = [];
    const consumers = drainers(
      clients,
      async () => {
        const leased = await client.lease({ limit: 10, visibility_seconds: 60, wait_seconds: 20 });
        const now = performance.now();
        for (const m of leased) latencies.push(now - sentAt.get(m.discord_message.discord_message_id));
        return leased;
      },
      (r) => client.ack(r),
      total,
    );
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / pacedRate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const m = discord.postMessage({
        channelId: channels[i % CHANNELS],
        authorId: '170000000000000001',
        content: `paced ${i}`,
      });
      sentAt.set(m.id, performance.now());
      postedAt.set(m.id, Date.now());
    }
    check(failures, 'D', await consumers, total);
    // Where the time goes: post → ingest transaction (the worker), from the database's clock.
    const { rows } = await db.query(
      `SELECT discord_message_id AS id, (extract(epoch FROM ingested_at) * 1000)::float8 AS at FROM relay_messages WHERE content LIKE 'paced %'`,
    );
    const ingest = rows.map((r) => r.at - postedAt.get(r.id));
    const post = percentiles(latencies);
    const stored = percentiles(ingest);
    const latency = {
      rate: pacedRate,
      count: post.count,
      p50: post.p50,
      p99: post.p99,
      max: post.max,
      ingestP50: stored.p50,
      ingestP99: stored.p99,
    };
    log(
      `D  latency at ${pacedRate}/s for ${pacedSeconds} s (post → lease, ${clients} long-polling clients): p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms (goal p99 ≤ ${TARGETS.p99Ms} ms)`,
    );
    log(
      `   of which post → ingest transaction started (worker): p50 ${latency.ingestP50.toFixed(1)} ms, p99 ${latency.ingestP99.toFixed(1)} ms`,
    );

    // B, B0 and C, alternately, `rounds` times: a single drain lasts a second or two, and the
    // machine's other work moves it by more than the difference measured. B through the API, B0
    // through the same SQL behind a server with no framework (same clients), C on bare pg.
    const { claimDeliveries, settleDeliveries, parseReceipt } = await import(
      pathToFileURL(path.join(ROOT, 'libs', 'relay', 'dist', 'api', 'delivery.queries.js')).href
    );
    const bare = {
      lease: async ({ limit }) => {
        const q = claimDeliveries({
          backendBotId: BACKEND,
          limit,
          maxDeliveries: 5,
          ordered: false,
          mode: { lease: 60 },
        });
        const { rows } = await db.query(q.text, q.values);
        return rows.filter((r) => r.claimed).map((r) => ({ delivery_id: r.delivery_id, receipt: r.receipt }));
      },
      ack: async (receipts) => {
        const q = settleDeliveries(BACKEND, receipts.map(parseReceipt), { ack: true });
        const { rows } = await db.query(q.text, q.values);
        return rows.filter((r) => r.result !== 'ok').length;
      },
    };
    const drainWith = (leaser, limit, processes) => async () => {
      await prefill(db, messages, { backend: BACKEND, channels: CHANNELS });
      const lease = () => leaser.lease({ limit, visibility_seconds: 60 });
      const ack = (receipts) => leaser.ack(receipts);
      return timed(DATABASE, () => drainers(clients, lease, ack, messages, { stopWhenEmpty: true }), processes);
    };
    const floorClient = httpClient(floor.url, key);
    const rate = (d) => d.value.count / d.seconds;
    const medianOf = (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
    // Where the CPU goes per 1000 deliveries: the machine's cores are shared by all of these.
    const perThousand = (cpu) =>
      Object.entries(cpu)
        .map(([name, ms]) => `${name} ${((ms / messages) * 1000).toFixed(0)}`)
        .join(', ');
    const compare = async (limit) => {
      const drainB = drainWith(client, limit, { api: api.child.pid });
      const drainFloor = drainWith(floorClient, limit, { server: floor.pid });
      const drainC = drainWith(bare, limit);
      // One drain of each first, not counted: the first one ran at about two thirds of the later ones' speed.
      for (const warmUp of [drainB, drainFloor, drainC]) check(failures, 'warm-up', (await warmUp()).value, messages);
      const drains = [];
      for (let round = 1; round <= rounds; round++) {
        const b = await drainB();
        check(failures, `B${round}`, b.value, messages);
        const b0 = await drainFloor();
        check(failures, `B0${round}`, b0.value, messages);
        const c = await drainC();
        check(failures, `C${round}`, c.value, messages);
        const ratio = rate(b) / rate(c);
        const floorRatio = rate(b0) / rate(c);
        drains.push({ b, b0, c, ratio, floorRatio, ofFloor: rate(b) / rate(b0) });
        log(
          `B/B0/C lease ${limit}, round ${round}: API ${rate(b).toFixed(0)}/s, bare node:http ${rate(b0).toFixed(0)}/s (${clients} clients, lease + ack), ` +
            `bare pg ${rate(c).toFixed(0)}/s (${clients} connections, the same SQL): ratio ${ratio.toFixed(2)}, floor ${floorRatio.toFixed(2)}`,
        );
      }
      const ratio = medianOf(drains.map((d) => d.ratio));
      const floorRatio = medianOf(drains.map((d) => d.floorRatio));
      const ofFloor = medianOf(drains.map((d) => d.ofFloor));
      const { b, c } = drains.find((d) => d.ratio === ratio);
      const { b0 } = drains.find((d) => d.floorRatio === floorRatio);
      log(
        `   lease ${limit}, median of ${rounds}: ratio API / baseline ${ratio.toFixed(2)}` +
          (limit === leaseLimits[0] ? ` (goal ≥ ${TARGETS.ratio})` : '') +
          `; bare node:http / baseline ${floorRatio.toFixed(2)} (no framework: the floor here); API / floor ${ofFloor.toFixed(2)}`,
      );
      log(
        `   CPU ms per 1000 deliveries, B: ${perThousand(b.cpu)}; B0: ${perThousand(b0.cpu)}; C: ${perThousand(c.cpu)}`,
      );
      return {
        leaseLimit: limit,
        api: rate(b),
        baseline: rate(c),
        ratio,
        floorRatio,
        ofFloor,
        rounds: drains.map((d) => d.ratio),
        cpuB: b.cpu,
        cpuB0: b0.cpu,
        cpuC: c.cpu,
      };
    };
    const drainResults = [];
    for (const limit of leaseLimits) drainResults.push(await compare(limit));

    for (const f of failures) log(`FAILED: ${f}`);
    return {
      endToEnd,
      drain: drainResults[0],
      drains: drainResults,
      latency,
      clients,
      messages,
      failures,
      logs: logDir,
    };
  } finally {
    await releaseAll(owned);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '10000' },
      clients: { type: 'string', default: '8' },
      'paced-rate': { type: 'string', default: '200' },
      'paced-seconds': { type: 'string', default: '10' },
      rounds: { type: 'string', default: '5' },
      'lease-limits': { type: 'string', default: `${RELAY_MAX_LEASE},50` },
    },
  });
  console.log(`Relay benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  runRelayBench({
    messages: Number(values.messages),
    clients: Number(values.clients),
    pacedRate: Number(values['paced-rate']),
    pacedSeconds: Number(values['paced-seconds']),
    rounds: Number(values.rounds),
    leaseLimits: values['lease-limits'].split(',').map(Number),
  })
    .then((result) => {
      console.log(JSON.stringify({ endToEnd: result.endToEnd, drains: result.drains, latency: result.latency }));
      process.exit(result.failures.length > 0 ? 1 : 0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
