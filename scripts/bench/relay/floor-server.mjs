// The relay bench's floor: POST /v1/messages/lease and /ack served by Node's bare `http` module,
// running the very same SQL as the API (delivery.queries, from the build) on a `pg` pool, with the
// bearer key checked by its SHA-256 digest and the API's response shape, but no framework, no
// validation, no logging. What any HTTP server can reach on this machine: phase B0 of
// scripts/bench/relay.mjs. Started by the bench with DATABASE_URL, RELAY_FLOOR_KEY and PORT.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { backboneConnection, ROOT } from '../../local-services.mjs';

const { claimDeliveries, settleDeliveries, parseReceipt } = await import(
  pathToFileURL(path.join(ROOT, 'libs', 'relay', 'dist', 'api', 'delivery.queries.js')).href
);
const BACKEND = 'bench';
const pool = new pg.Pool({ ...backboneConnection(process.env.DATABASE_URL), max: 10 });
const keyDigest = createHash('sha256').update(process.env.RELAY_FLOOR_KEY).digest();

const lease = async ({ limit, visibility_seconds }) => {
  const q = claimDeliveries({
    backendBotId: BACKEND,
    limit,
    maxDeliveries: 5,
    ordered: false,
    mode: { lease: visibility_seconds },
  });
  const { rows } = await pool.query(q.text, q.values);
  const messages = rows
    .filter((r) => r.claimed)
    .map((r) => ({
      delivery_id: r.delivery_id,
      discord_bot_id: r.discord_bot_id,
      discord_message: {
        discord_message_id: r.discord_message_id,
        timestamp: r.sent_at.toISOString(),
        content: r.content,
        source: {
          is_dm: r.is_dm,
          guild_id: r.guild_id,
          channel_id: r.channel_id,
          author_id: r.author_id,
          author_name: r.author_name,
        },
      },
      receipt: r.receipt,
      delivery_count: r.delivery_count,
      lease_expires_at: r.lease_expires_at.toISOString(),
      trace_context: r.traceparent ? { traceparent: r.traceparent, tracestate: r.tracestate } : null,
    }));
  return { messages };
};

const ack = async ({ receipts }) => {
  const q = settleDeliveries(BACKEND, receipts.map(parseReceipt), { ack: true });
  const { rows } = await pool.query(q.text, q.values);
  return { results: rows.map((r) => ({ receipt: r.receipt, result: r.result })) };
};

const routes = { '/v1/messages/lease': lease, '/v1/messages/ack': ack };

const answer = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(key).digest(), keyDigest)) {
        return answer(res, 401, { message: 'Invalid key' });
      }
      const route = req.method === 'POST' ? routes[req.url] : undefined;
      if (!route) return answer(res, 404, { message: 'Not found' });
      route(JSON.parse(Buffer.concat(chunks).toString('utf8'))).then(
        (body) => answer(res, 200, body),
        (error) => answer(res, 500, { message: String(error) }),
      );
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
