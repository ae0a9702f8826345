#!/usr/bin/env node
// The message relay's command-line client for backend bots and operators (discord-relay-plan.md
// "Companion Client"): `relay pending | lease | ack | nack | send | tail`. The relay's URL and a
// backend bot's key come from --url/--key or RELAY_URL/RELAY_API_KEY; --json prints the API's JSON.
import { Command, InvalidArgumentError, Option } from 'commander';
import type {
  LeasedMessage,
  LeaseResponse,
  PendingResponse,
  ReceiptResults,
  RelayedMessage,
  SendResponse,
} from '@discord-backbone/contracts';
import { RelayClient, RelayCliError } from './relay.client';

interface GlobalOptions {
  url?: string;
  key?: string;
  json: boolean;
}

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  return n;
};

const program = new Command('relay')
  .description(
    "Client of the message relay's REST API (/v1): read, lease and acknowledge Discord messages, send replies",
  )
  // No default URL: a key given alone is never sent to a guessed relay (a real key to a local one).
  .addOption(new Option('--url <url>', 'the relay API, e.g. http://127.0.0.1:3000').env('RELAY_URL'))
  .addOption(new Option('--key <key>', "your backend bot's api_key").env('RELAY_API_KEY'))
  .option('--json', 'print the API’s JSON (one document per line for tail)', false)
  .showHelpAfterError();

function client(): { relay: RelayClient; options: GlobalOptions } {
  const options = program.opts<GlobalOptions>();
  if (!options.url) throw new RelayCliError('No relay URL: pass it with --url or RELAY_URL, with the key it is for', 2);
  if (!options.key) throw new RelayCliError("No key: pass your backend bot's api_key with --key or RELAY_API_KEY", 2);
  return { relay: new RelayClient(options.url, options.key), options };
}

function line(message: RelayedMessage): string {
  const { source } = message.discord_message;
  const where = source.is_dm ? 'DM' : `#${source.channel_id}`;
  return `${message.discord_message.timestamp} ${message.discord_bot_id} ${where} ${source.author_name} (${source.author_id}): ${message.discord_message.content}`;
}

function leasedLine(message: LeasedMessage): string {
  return `${line(message)}\n  receipt ${message.receipt} (delivery ${message.delivery_count}, leased until ${message.lease_expires_at})`;
}

function printResults(results: ReceiptResults, json: boolean): void {
  if (json) console.log(JSON.stringify(results));
  else for (const r of results.results) console.log(`${r.result.padEnd(13)} ${r.receipt}`);
  // A stale receipt means someone else holds that delivery now: worth a non-zero exit.
  if (results.results.some((r) => r.result === 'stale_receipt' || r.result === 'unknown')) process.exitCode = 3;
}

program
  .command('pending')
  .description('Pending messages, marked delivered as they are returned (consume-on-read)')
  .option('-l, --limit <n>', 'at most this many', integer(1, 100), 50)
  .action(async (opts: { limit: number }) => {
    const { relay, options } = client();
    const { body } = await relay.request<PendingResponse>('GET', `v1/messages/pending?limit=${opts.limit}`);
    if (options.json) console.log(JSON.stringify(body));
    else for (const message of body.messages) console.log(line(message));
  });

program
  .command('lease')
  .description('Lease messages: they are yours until acked, nacked, or the lease expires')
  .option('-l, --limit <n>', 'at most this many', integer(1, 100), 10)
  .option('-v, --visibility <seconds>', 'lease length', integer(1, 43200), 30)
  .option('-w, --wait <seconds>', 'long poll: wait this long for a message', integer(0, 20), 0)
  .action(async (opts: { limit: number; visibility: number; wait: number }) => {
    const { relay, options } = client();
    const { body } = await relay.request<LeaseResponse>('POST', 'v1/messages/lease', {
      body: { limit: opts.limit, visibility_seconds: opts.visibility, wait_seconds: opts.wait },
    });
    if (options.json) console.log(JSON.stringify(body));
    else for (const message of body.messages) console.log(leasedLine(message));
  });

program
  .command('ack')
  .description('Acknowledge leased messages by receipt: done')
  .argument('<receipts...>')
  .action(async (receipts: string[]) => {
    const { relay, options } = client();
    const { body } = await relay.request<ReceiptResults>('POST', 'v1/messages/ack', {
      body: { receipts },
      accept: [409],
    });
    printResults(body, options.json);
  });

program
  .command('nack')
  .description('Give leased messages back, to be leased again (after --delay)')
  .argument('<receipts...>')
  .option('-d, --delay <seconds>', 'leasable again after this long', integer(0, 43200), 0)
  .action(async (receipts: string[], opts: { delay: number }) => {
    const { relay, options } = client();
    const { body } = await relay.request<ReceiptResults>('POST', 'v1/messages/nack', {
      body: { receipts, delay_seconds: opts.delay },
      accept: [409],
    });
    printResults(body, options.json);
  });

program
  .command('send')
  .description('Send a message to Discord through one of the Discord bots routed to you')
  .requiredOption('-b, --bot <discord_bot_id>', 'the Discord bot to send as')
  .option('--dm <user_id>', 'to this user, by DM')
  .option('--channel <channel_id>', 'to this channel')
  .option('--reply-to <message_id>', 'as a reply to this Discord message')
  .option('--idempotency-key <key>', 'the same key again returns the first result instead of sending twice')
  .argument('<content...>')
  .action(
    async (
      words: string[],
      opts: { bot: string; dm?: string; channel?: string; replyTo?: string; idempotencyKey?: string },
    ) => {
      if ((opts.dm === undefined) === (opts.channel === undefined))
        throw new RelayCliError('Give exactly one destination: --dm <user_id> or --channel <channel_id>', 2);
      const { relay, options } = client();
      const destination =
        opts.dm !== undefined ? { type: 'dm', user_id: opts.dm } : { type: 'channel', channel_id: opts.channel };
      const { body } = await relay.request<SendResponse>('POST', 'v1/messages/send', {
        body: {
          discord_bot_id: opts.bot,
          destination,
          content: words.join(' '),
          ...(opts.replyTo ? { reply_to_discord_message_id: opts.replyTo } : {}),
        },
        headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
      });
      console.log(
        options.json ? JSON.stringify(body) : `sent ${body.discord_message_id} in channel ${body.channel_id}`,
      );
    },
  );

program
  .command('tail')
  .description('Lease, print, and acknowledge once printed, as messages arrive, until Ctrl-C')
  .option('-l, --limit <n>', 'per lease', integer(1, 100), 10)
  .option('-v, --visibility <seconds>', 'lease length', integer(1, 43200), 30)
  .action(async (opts: { limit: number; visibility: number }) => {
    const { relay, options } = client();
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    while (!stop.signal.aborted) {
      let leased: LeaseResponse;
      try {
        ({ body: leased } = await relay.request<LeaseResponse>('POST', 'v1/messages/lease', {
          body: { limit: opts.limit, visibility_seconds: opts.visibility, wait_seconds: 20 },
          signal: stop.signal,
        }));
      } catch (error) {
        if (stop.signal.aborted) break; // Ctrl-C during a long poll: anything leased comes back when its lease expires
        throw error;
      }
      for (const message of leased.messages) console.log(options.json ? JSON.stringify(message) : line(message));
      // Acknowledged only once printed (even when Ctrl-C came meanwhile): nothing printed is lost, nothing is printed twice.
      if (leased.messages.length > 0)
        await relay.request<ReceiptResults>('POST', 'v1/messages/ack', {
          body: { receipts: leased.messages.map((m) => m.receipt) },
          accept: [409],
        });
    }
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof RelayCliError) {
    console.error(`relay: ${error.message}`);
    process.exit(error.exitCode);
  }
  console.error(error);
  process.exit(1);
});
