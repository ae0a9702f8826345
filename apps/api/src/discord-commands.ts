// `npm run discord:commands [-- --guild <id>]`: registers the application's slash commands with
// Discord (bulk overwrite: the registered set becomes exactly this one). A deploy step, not done at
// every start. Globally by default (Discord may take a while to show changes everywhere); with
// --guild, in that server only (at once: for development). Needs DISCORD_BOT_TOKEN;
// DISCORD_APPLICATION_ID is looked up from the token when unset.
import { parseArgs } from 'node:util';
import { applicationCommands } from '@discord-backbone/campaigns';
import { SNOWFLAKE } from '@discord-backbone/contracts';
import { DEFAULT_INVALID_REQUEST_BUDGET, DiscordRestClient, InvalidRequestBudget } from '@discord-backbone/discord';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  const token = process.env.DISCORD_BOT_TOKEN;
  if (!token) throw new Error('DISCORD_BOT_TOKEN is required (the bot token of the application)');
  if (values.guild !== undefined && !SNOWFLAKE.test(values.guild))
    throw new Error('--guild must be a server id (17–20 digits)');
  const discord = new DiscordRestClient(
    { token, apiBaseUrl: process.env.DISCORD_API_BASE_URL, requestTimeoutMs: 15000 },
    new InvalidRequestBudget(DEFAULT_INVALID_REQUEST_BUDGET),
  );
  const applicationId = process.env.DISCORD_APPLICATION_ID ?? (await discord.getCurrentApplication()).id;
  const registered = await discord.overwriteCommands(applicationId, applicationCommands(), values.guild);
  const where = values.guild === undefined ? 'globally' : `in server ${values.guild}`;
  console.log(`Registered ${registered.map((c) => `/${c.name}`).join(', ')} for application ${applicationId} ${where}`);
}

main().catch((error: unknown) => {
  console.error(`Command registration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
