import { readFileSync } from 'node:fs';
import { KeyRing } from '@discord-backbone/auth';
import { readRelayConfigFile, RoutingSection } from './relay-config.file';
import {
  BackendBotSettings,
  DEFAULT_MAX_DELIVERIES,
  DiscordBotSettings,
  RelaySettings,
  SendAllowance,
} from './relay-settings';
import { RouteRule, RoutingTable, SCOPE_PRECEDENCE } from './routing-table';
import { Secret } from './secret';

const PRECEDENCE = [...SCOPE_PRECEDENCE, 'default'];

/**
 * Reads and validates RELAY_CONFIG. Throws one error naming every problem: the file's shape,
 * duplicate ids, routes naming unknown bots, two routes matching at the same precedence, secrets
 * neither given nor found in their `*_env` variable. Never prints a secret.
 */
export function loadRelayConfig(
  path: string,
  environment: (name: string) => string | undefined = (n) => process.env[n],
): RelaySettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Invalid relay configuration (RELAY_CONFIG=${path}): cannot read the file: ${(error as Error).message}`,
    );
  }
  return parseRelayConfig(text, path, environment);
}

/** The file's text, read as its shape (relay-config.file.ts), resolved into the settings the apps use. */
export function parseRelayConfig(
  text: string,
  source: string,
  environment: (name: string) => string | undefined,
): RelaySettings {
  const fail = (problems: string[]) =>
    new Error(`Invalid relay configuration (RELAY_CONFIG=${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const { file, problems } = readRelayConfigFile(text);
  if (!file) throw fail(problems);
  const discordBots = Array.isArray(file.discord_bots) ? file.discord_bots : [];
  const backendBots = Array.isArray(file.backend_bots) ? file.backend_bots : [];
  const routes = Array.isArray(file.routes) ? file.routes : [];

  problems.push(...duplicateIds('discord_bots', discordBots), ...duplicateIds('backend_bots', backendBots));
  const discordIds = new Set(discordBots.map((b) => b.id));
  const backendIds = new Set(backendBots.map((b) => b.id));

  const secret = (
    where: string,
    enabled: boolean,
    given: string | undefined,
    envName: string | undefined,
    field: string,
  ): Secret | undefined => {
    if (given !== undefined && envName !== undefined)
      problems.push(`${where}: give ${field} or ${field}_env, not both`);
    else if (given !== undefined) return new Secret(given);
    else if (envName !== undefined) {
      const value = environment(envName);
      if (value !== undefined && value !== '') return new Secret(value);
      if (enabled) problems.push(`${where}: ${field}_env names ${envName}, which is not set`);
    } else if (enabled) problems.push(`${where}: needs ${field} or ${field}_env`);
    return undefined;
  };

  const discord: DiscordBotSettings[] = [];
  discordBots.forEach((bot, i) => {
    const enabled = bot.enabled ?? true;
    const token = secret(`discord_bots[${i}] (${bot.id})`, enabled, bot.token, bot.token_env, 'token');
    if (enabled && token) {
      discord.push({
        id: bot.id,
        name: bot.name ?? bot.id,
        token,
        enabled,
        channelAllowlist: new Set(bot.channel_allowlist ?? []),
        ignoreBots: bot.ignore_bots ?? true,
      });
    }
  });
  const tokens = new Map<string, string>();
  for (const bot of discord) {
    const other = tokens.get(bot.token.reveal());
    if (other) problems.push(`discord_bots ${other} and ${bot.id} have the same token: one gateway connection per bot`);
    tokens.set(bot.token.reveal(), bot.id);
  }

  const backends: BackendBotSettings[] = [];
  const keyEntries: { key: string; owner: string; name: string }[] = [];
  backendBots.forEach((bot, i) => {
    const enabled = bot.enabled ?? true;
    const where = `backend_bots[${i}] (${bot.id})`;
    const key = secret(where, enabled, bot.api_key, bot.api_key_env, 'api_key');
    const sendAllowlist: SendAllowance[] = [];
    (Array.isArray(bot.send_allowlist) ? bot.send_allowlist : []).forEach((entry, j) => {
      const at = `${where} send_allowlist[${j}]`;
      if (typeof entry.discord_bot_id === 'string' && !discordIds.has(entry.discord_bot_id))
        problems.push(`${at}: discord_bot_id ${entry.discord_bot_id} names no discord_bots entry`);
      if ((entry.channel_id === undefined) === (entry.user_id === undefined))
        problems.push(`${at}: give channel_id or user_id (one destination per entry)`);
      else
        sendAllowlist.push({
          discordBotId: entry.discord_bot_id,
          ...(entry.channel_id !== undefined
            ? { type: 'channel', id: entry.channel_id }
            : { type: 'dm', id: entry.user_id! }),
        });
    });
    backends.push({
      id: bot.id,
      name: bot.name ?? bot.id,
      enabled,
      maxDeliveries: bot.max_deliveries ?? DEFAULT_MAX_DELIVERIES,
      ordered: bot.ordered ?? false,
      sendAllowlist,
    });
    if (enabled && key) keyEntries.push({ key: key.reveal(), owner: bot.id, name: `${where} api_key` });
  });
  const validKeys = keyEntries.filter((entry) => {
    try {
      KeyRing.of([entry]);
      return true;
    } catch (error) {
      problems.push((error as Error).message);
      return false;
    }
  });
  const backendKeys = KeyRing.of(validKeys);
  if (backendKeys.duplicates().length > 0)
    problems.push('two backend_bots have the same api_key: each key must name one backend');

  const routing = file.routing ?? new RoutingSection();
  if (routing.precedence !== undefined && routing.precedence.join('>') !== PRECEDENCE.join('>')) {
    problems.push(
      `routing.precedence must be ${PRECEDENCE.join(' > ')} (the only order), not ${routing.precedence.join(' > ')}`,
    );
  }
  const defaults = new Map<string, string>();
  for (const [discordBotId, backendBotId] of Object.entries(routing.defaults ?? {})) {
    if (!discordIds.has(discordBotId))
      problems.push(`routing.defaults.${discordBotId}: no discord_bots entry has this id`);
    if (typeof backendBotId !== 'string' || !backendIds.has(backendBotId))
      problems.push(`routing.defaults.${discordBotId}: no backend_bots entry has the id ${String(backendBotId)}`);
    else defaults.set(discordBotId, backendBotId);
  }

  const rules: RouteRule[] = [];
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    if (typeof route.discord_bot_id === 'string' && !discordIds.has(route.discord_bot_id))
      problems.push(`routes[${i}]: discord_bot_id ${route.discord_bot_id} names no discord_bots entry`);
    if (typeof route.backend_bot_id === 'string' && !backendIds.has(route.backend_bot_id))
      problems.push(`routes[${i}]: backend_bot_id ${route.backend_bot_id} names no backend_bots entry`);
    const scope = `${route.discord_bot_id}/${route.scope_type}/${route.scope_id}`;
    const earlier = seen.get(scope);
    if (earlier !== undefined) {
      problems.push(
        `routes[${earlier}] and routes[${i}] both match ${route.scope_type} ${route.scope_id} of ${route.discord_bot_id} at the same precedence: keep one`,
      );
    } else seen.set(scope, i);
    rules.push({
      discordBotId: route.discord_bot_id,
      scopeType: route.scope_type,
      scopeId: route.scope_id,
      backendBotId: route.backend_bot_id,
    });
  });

  if (problems.length > 0) throw fail(problems);

  const warnings: string[] = [];
  if (file.storage !== undefined)
    warnings.push('storage is ignored: the relay stores its messages in the Postgres of DATABASE_URL');
  if (file.server?.bind_host !== undefined || file.server?.bind_port !== undefined)
    warnings.push('server.bind_host and server.bind_port are ignored: the API listens on PORT');
  return {
    discordBots: discord,
    backendBots: backends,
    backendKeys,
    routing: new RoutingTable(rules, defaults, new Set(backends.filter((b) => b.enabled).map((b) => b.id))),
    warnings,
  };
}

function duplicateIds(list: string, entries: { id: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const { id } of entries) if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${list}: the id ${id} is used ${n} times`);
}
