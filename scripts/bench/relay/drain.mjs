// The relay bench's drains: K client loops leasing and acking until every delivery was handed out
// once, the HTTP client they use, the floor server of phase B0, the prefilled deliveries.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMeter } from '../cpu.mjs';
import { freePort, stopChild, until } from '../support.mjs';

/** K loops of lease → ack until `expected` deliveries were acked (or, with stopWhenEmpty, the queue is empty). */
export async function drainers(k, lease, ack, expected, { stopWhenEmpty = false } = {}) {
  const seen = new Set();
  let duplicates = 0;
  let notOk = 0;
  const deadline = Date.now() + 300_000;
  await Promise.all(
    Array.from({ length: k }, async () => {
      while (seen.size < expected && Date.now() < deadline) {
        const leased = await lease();
        if (leased.length === 0) {
          if (stopWhenEmpty) return;
          continue;
        }
        for (const m of leased) {
          if (seen.has(m.delivery_id)) duplicates++;
          else seen.add(m.delivery_id);
        }
        notOk += await ack(leased.map((m) => m.receipt));
      }
    }),
  );
  return { count: seen.size, duplicates, notOk };
}

export function check(failures, phase, { count, duplicates, notOk }, expected) {
  if (count !== expected) failures.push(`${phase}: ${count} of ${expected} deliveries handed out`);
  if (duplicates > 0) failures.push(`${phase}: ${duplicates} deliveries handed out twice`);
  if (notOk > 0) failures.push(`${phase}: ${notOk} acks not ok`);
}

/** A backend bot's client: node:http on kept-alive connections (fetch costs the bench's cores more than the API's work). */
export function httpClient(base, key) {
  const agent = new http.Agent({ keepAlive: true });
  const call = (route, body) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const headers = {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      };
      const req = http.request(`${base}/v1/messages/${route}`, { method: 'POST', agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const answer = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200 && res.statusCode !== 409)
            reject(new Error(`${route}: HTTP ${res.statusCode} ${answer}`));
          else resolve(JSON.parse(answer));
        });
      });
      req.on('error', reject);
      req.end(text);
    });
  return {
    lease: async (body) => (await call('lease', body)).messages,
    ack: async (receipts) => (await call('ack', { receipts })).results.filter((r) => r.result !== 'ok').length,
  };
}

/** The bare node:http server of phase B0 (floor-server.mjs), stopped when the run releases what it owns. */
export async function startFloorServer(databaseUrl, key, owned) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-server.mjs')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, RELAY_FLOOR_KEY: key, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  owned.push(() => stopChild(child));
  const url = `http://127.0.0.1:${port}`;
  // Any answer (401 without a key) means it listens.
  await until(async () => (await fetch(url).catch(() => undefined)) !== undefined, 10_000, 'the floor server', 50);
  return { url, pid: child.pid };
}

/** N deliveries as the worker writes them (message + delivery), in one statement. */
export async function prefill(db, n, { backend, channels }) {
  await db.query('TRUNCATE relay_deliveries, relay_messages');
  await db.query(
    `WITH m AS (
       INSERT INTO relay_messages (discord_bot_id, discord_message_id, channel_id, is_dm, author_id, author_name, content, sent_at, source)
       SELECT 'discord_bench', (1300000000000000000 + g)::text, (1400000000000000000 + g % ${channels})::text, false, '1', 'bench', 'prefilled ' || g, now(), 'gateway'
       FROM generate_series(1, $1::int) AS g RETURNING id, channel_id, discord_message_id)
     INSERT INTO relay_deliveries (message_id, backend_bot_id, conversation) SELECT id, $2, channel_id FROM m ORDER BY discord_message_id`,
    [n, backend],
  );
  await db.query('ANALYZE relay_deliveries');
}

/** Runs `fn`, timing it and counting the CPU it took (see cpuMeter; `processes`: name → pid). */
export async function timed(database, fn, processes = {}) {
  const cpu = cpuMeter(database, processes);
  const start = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - start) / 1000, cpu: cpu() };
}
