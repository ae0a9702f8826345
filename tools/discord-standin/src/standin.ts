import { routeTemplate } from '@discord-backbone/discord';
import { FakeDiscord, startFakeDiscord } from './fake-discord';
import { standinPage } from './page/standin-page';
import { seedDemo } from './standin-demo';

export interface StandinOptions {
  /** The page and Discord's REST API (under /api) on 127.0.0.1; a free port when 0. */
  port: number;
  /** The default bot's token: what the worker and the API are given as DISCORD_BOT_TOKEN. */
  botToken: string;
  /** The app's interactions endpoint, where slash commands run from the page are sent. */
  interactionsUrl?: string;
  /** Told of every REST call the apps make (route templates: ids and tokens masked). */
  onCall?: (call: { method: string; route: string; status: number }) => void;
}

export interface DiscordStandin {
  discord: FakeDiscord;
  pageUrl: string;
  /** What DISCORD_API_BASE_URL points at. */
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * The local Discord stand-in of `npm start`: the fake Discord the tests use (REST, gateway,
 * interactions) seeded with a demo server, keeping what the bots do in memory and showing it on
 * its page. Bound to 127.0.0.1: it is a development tool, not a service.
 */
export async function startDiscordStandin(options: StandinOptions): Promise<DiscordStandin> {
  const discord = await startFakeDiscord({ port: options.port, token: options.botToken, page: standinPage() });
  discord.interactionsUrl = options.interactionsUrl;
  // A long-running process: what the page shows is kept, not every request.
  discord.recordRequests = false;
  discord.onAnswer = ({ method, path, status }) => options.onCall?.({ method, route: routeTemplate(path), status });
  await discord.startGateway();
  seedDemo(discord);
  return {
    discord,
    pageUrl: discord.apiUrl.replace(/\/api$/, '/'),
    apiUrl: discord.apiUrl,
    close: () => discord.close(),
  };
}
