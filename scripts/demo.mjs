// `npm run demo`: the README's "Try it" end to end, against the `npm start` running in another
// shell (no DISCORD_BOT_TOKEN: the local Discord stand-in plays Discord). It finds the apps through
// npm start's settings (.local/env) and its admin key (.local/api-key), captures every id and
// receipt itself and prints what each of the five systems did. It needs the state of a fresh start:
// run it again after `npm start -- --fresh`.
import fs from 'node:fs';
import path from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { applyLocalEnv, backboneConnection, LOCAL_DIR, localSqsClient, queueTable } from './local-services.mjs';

// The stand-in's demo server (fixed ids, README "Try it").
const GUILD = '123456789012345678';
const CHANNEL = { general: '123456789012345001', orders: '123456789012345002', vip: '123456789012345003' };
const SUBSCRIBER_ROLE = '123456789012345102';
const PERSON = { alice: '987654321098765432', bob: '987654321098765433' };

class DemoError extends Error {}
const say = (line) => console.log(line);

// .local/api-key is npm start's key: it goes only to npm start's API (API_URL from .local/env), never to a shell's own API_URL.
const ownApiUrl = Boolean(process.env.API_URL);
if (!applyLocalEnv()) {
  console.error(
    'npm run demo: npm start is not running here (no .local/env, or this shell points at other queues): run `npm start` in another shell first',
  );
  process.exit(1);
}
const { API_URL, DISCORD_STANDIN_URL, RELAY_URL, RELAY_API_KEY, DATABASE_URL, AWS_ENDPOINT_URL_SQS } = process.env;
// The prize queue under whichever of its names is set (npm start writes the scheme's).
const PRIZE_QUEUE_URL = (await queueTable())
  .queueSettingNames('prize-distribution', 'queueUrl')
  .map((name) => process.env[name])
  .find(Boolean);
const keyFile = path.join(LOCAL_DIR, 'api-key');
const KEY =
  process.env.API_KEY ?? (!ownApiUrl && fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined);
if (!KEY) {
  console.error(
    `npm run demo: no admin key for ${API_URL} (.local/api-key is missing, or is npm start's and this shell's API_URL is its own): set API_KEY to an admin key`,
  );
  process.exit(1);
}

async function call(base, method, route, body, key = KEY) {
  const response = await fetch(new URL(route, base), {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new DemoError(`${method} ${route} answered ${response.status}: ${text}`);
  return json;
}
const api = (method, route, body) => call(API_URL, method, route, body);
// The relay's URL and key as .local/env (or the shell) gives them: always as a pair.
const relay = (route, body) => call(RELAY_URL, 'POST', route, body, RELAY_API_KEY);
/** A form of the stand-in's page, posted as the page does. */
async function standinForm(route, fields) {
  const response = await fetch(new URL(route, DISCORD_STANDIN_URL), {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  if (response.status >= 400)
    throw new DemoError(`the stand-in refused ${route}: ${response.status} ${await response.text()}`);
}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new DemoError(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  if (!DISCORD_STANDIN_URL)
    throw new DemoError(
      'npm run demo needs npm start on the local Discord stand-in (started without DISCORD_BOT_TOKEN)',
    );
  if (!RELAY_URL || !RELAY_API_KEY)
    throw new DemoError(
      "npm run demo needs the relay's URL and key as a pair: RELAY_URL and RELAY_API_KEY of npm start's demo backend (.local/env) or both set in this shell, never one of each",
    );
  const db = new pg.Client(backboneConnection(DATABASE_URL));
  await db.connect();
  try {
    if ((await db.query("SELECT 1 FROM communities WHERE id = 'c1'")).rowCount > 0) {
      throw new DemoError(
        'this database already holds a Try-it run (and a restarted stand-in has forgotten its objects): to run it again, stop npm start and start it with `npm start -- --fresh`',
      );
    }

    say('1. Prize distribution');
    await db.query(`INSERT INTO communities (id, name, discord_guild_id) VALUES ('c1', 'Demo', $1)`, [GUILD]);
    await db.query(`INSERT INTO item_types (id, community_id, name, stackable) VALUES ('gold', 'c1', 'Gold', true)`);
    const sqs = await localSqsClient(AWS_ENDPOINT_URL_SQS, process.env.AWS_REGION);
    const event = {
      eventType: 'ITEM_AWARDED',
      discordGuildId: GUILD,
      discordUserId: PERSON.alice,
      itemTypeId: 'gold',
      quantity: 5,
    };
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl: PRIZE_QUEUE_URL, MessageBody: JSON.stringify(event) }),
    );
    sqs.destroy();
    say(`   ITEM_AWARDED 5 gold for alice sent to the prize queue (message ${MessageId})`);
    await until(
      'the pending award',
      async () =>
        (await db.query('SELECT 1 FROM pending_ownerships WHERE discord_user_id = $1', [PERSON.alice])).rowCount > 0,
    );
    say('   the worker recorded it as pending: alice has no account yet');
    const alice = await api('POST', '/users', { username: 'alice' });
    const bob = await api('POST', '/users', { username: 'bob' });
    const link = await api('POST', `/users/${alice.id}/discord-link`, { discordUserId: PERSON.alice });
    say(`   alice linked her Discord account: claimed ${JSON.stringify(link.claimed)}`);
    await api('POST', `/users/${bob.id}/discord-link`, { discordUserId: PERSON.bob });

    say('2. Order threads');
    const contractor = await api('POST', '/contractors', {
      name: 'Demo',
      discordGuildId: GUILD,
      discordThreadChannelId: CHANNEL.orders,
    });
    const order = await api('POST', '/orders', {
      title: 'Boost to gold',
      customerId: alice.id,
      assignedId: bob.id,
      contractorId: contractor.id,
    });
    const thread = await until('the order thread', async () => {
      const { discordThread } = await api('GET', `/orders/${order.id}`);
      return discordThread?.status === 'created' && discordThread;
    });
    say(
      `   order ${order.id}: private thread ${thread.threadId} in #orders with alice and bob, invite ${thread.inviteCode ? 'created' : 'none'}`,
    );

    say('3. Bot operations');
    await api('POST', '/subscription-channels', { channelId: CHANNEL.vip, guildId: GUILD, roleId: SUBSCRIBER_ROLE });
    const subscription = await api('POST', '/subscriptions', { userId: bob.id, channelId: CHANNEL.vip });
    await api('POST', `/subscriptions/${subscription.id}/activate`);
    const operation = await until('the invite operation', async () => {
      const { operations } = await api('GET', `/subscriptions/${subscription.id}`);
      return operations?.find((o) => o.status === 'done');
    });
    say(`   bob subscribed to #vip: ${operation.type} ${operation.status}, access by ${operation.result?.access}`);

    say('4. Campaign channels');
    await standinForm('/commands', {
      command: 'add-campaign',
      user: PERSON.alice,
      channel: CHANNEL.general,
      'option.name': 'Dragon Hunt',
    });
    const campaignId = await until(
      'the campaign',
      async () => (await db.query("SELECT id FROM campaigns WHERE name = 'Dragon Hunt'")).rows[0]?.id,
    );
    const campaign = await until(
      'the campaign to complete',
      async () => {
        const found = await api('GET', `/campaigns/${campaignId}`);
        return found.status === 'completed' && found;
      },
      60_000,
    );
    say(`   alice ran /add-campaign "Dragon Hunt": campaign ${campaignId} ${campaign.status}`);
    say(
      `   role "${campaign.role.name}", category "${campaign.category.name}", ${campaign.channels.filter((c) => c.status === 'created').length} channels created`,
    );

    say('5. Message relay');
    await standinForm('/messages', { author: PERSON.bob, channel: CHANNEL.general, content: 'Anyone up for a raid?' });
    await standinForm('/messages', { author: PERSON.alice, channel: 'dm', content: 'Where is my order?' });
    const leased = [];
    await until('both messages at the backend', async () => {
      const { messages } = await relay('/v1/messages/lease', { limit: 10, visibility_seconds: 60, wait_seconds: 2 });
      leased.push(...messages);
      return leased.length >= 2;
    });
    for (const m of leased) {
      const { source } = m.discord_message;
      say(
        `   leased ${source.is_dm ? 'DM' : `#${source.channel_id}`} from ${source.author_name}: "${m.discord_message.content}"`,
      );
    }
    const { results } = await relay('/v1/messages/ack', { receipts: leased.map((m) => m.receipt) });
    say(`   acked: ${results.map((r) => r.result).join(', ')}`);
    const sent = await relay('/v1/messages/send', {
      discord_bot_id: 'standin',
      destination: { type: 'channel', channel_id: CHANNEL.general },
      content: 'Raid at 9, bring potions',
    });
    say(`   the backend answered in #general: message ${sent.discord_message_id}`);
    say(`Done: every step is on the stand-in's page, ${DISCORD_STANDIN_URL}`);
  } finally {
    await db.end();
  }
}

main().catch((error) => {
  console.error(error instanceof DemoError ? `npm run demo: ${error.message}` : error);
  process.exit(1);
});
