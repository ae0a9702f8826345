#!/usr/bin/env node
// `npm run discord-standin` (or `dqb-discord-standin`): the local Discord stand-in on its own; `npm start`
// starts it by itself when no DISCORD_BOT_TOKEN is set. Not Discord: a development tool on 127.0.0.1.
//   DISCORD_STANDIN_PORT               page + REST API (default 3002)
//   DISCORD_BOT_TOKEN                  the token the apps will use (made up and printed once when unset)
//   DISCORD_STANDIN_INTERACTIONS_URL   the API's interactions endpoint, for slash commands run from the page
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startDiscordStandin } from './standin';

// Every line says what this is: nothing it logs happened on Discord.
const log = pino({
  name: 'discord-standin',
  level: process.env.LOG_LEVEL ?? 'info',
  base: { pid: process.pid, notDiscord: true },
});

function settings() {
  const problems: string[] = [];
  const port = Number(process.env.DISCORD_STANDIN_PORT ?? 3002);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push('DISCORD_STANDIN_PORT must be a port number (0–65535)');
  const interactionsUrl = process.env.DISCORD_STANDIN_INTERACTIONS_URL;
  if (interactionsUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(interactionsUrl))
    problems.push('DISCORD_STANDIN_INTERACTIONS_URL must be an http(s) URL');
  if (problems.length > 0) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  let botToken = process.env.DISCORD_BOT_TOKEN;
  if (!botToken) {
    botToken = `standin.${randomBytes(24).toString('base64url')}`;
    // For the person at the terminal, once; never in a log line.
    process.stderr.write(`No DISCORD_BOT_TOKEN given: the stand-in's bot token is\n  ${botToken}\n`);
  }
  return { port, interactionsUrl, botToken };
}

async function main(): Promise<void> {
  const { port, interactionsUrl, botToken } = settings();
  const standin = await startDiscordStandin({
    port,
    botToken,
    interactionsUrl,
    onCall: (call) =>
      log[call.method === 'GET' && call.status < 400 ? 'debug' : 'info'](call, 'Discord call answered by the stand-in'),
  });
  const { discord } = standin;
  // Written whatever LOG_LEVEL says: `npm start` waits for this line (`ready`) and reads the page's
  // address and the public key the API verifies interactions with from it.
  process.stdout.write(
    `${JSON.stringify({
      level: 30,
      time: Date.now(),
      pid: process.pid,
      notDiscord: true,
      name: 'discord-standin',
      ready: true,
      page: standin.pageUrl,
      apiUrl: standin.apiUrl,
      applicationId: discord.applicationId,
      publicKey: discord.publicKey,
      interactionsUrl: interactionsUrl ?? null,
      msg: 'NOT DISCORD: local Discord stand-in ready; what the bots do is shown on its page',
    })}\n`,
  );
  const stop = async () => {
    log.info('Discord stand-in stopping');
    await standin.close();
    process.exit(0);
  };
  // Under `npm start` Ctrl-C reaches every process of the terminal at once; the start script
  // stops the stand-in (SIGTERM) only after the apps have drained against it.
  if (process.env.IGNORE_SIGINT !== 'true') process.once('SIGINT', () => void stop());
  else process.on('SIGINT', () => undefined);
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'Discord stand-in failed to start');
  process.exit(1);
});
