/** Where a route applies, in precedence order: the first that matches decides (`first_match`). */
export const SCOPE_PRECEDENCE = ['dm_user', 'channel', 'guild'] as const;
export type ScopeType = (typeof SCOPE_PRECEDENCE)[number];

export interface RouteRule {
  discordBotId: string;
  scopeType: ScopeType;
  scopeId: string;
  backendBotId: string;
}

/** What the router needs to know of an incoming Discord message. */
export interface MessageScope {
  discordBotId: string;
  isDm: boolean;
  authorId: string;
  channelId: string;
  guildId: string | null;
}

export type RouteDecision =
  | { backendBotId: string; matchedBy: ScopeType | 'default' }
  /** Not delivered: nothing matched and there is no default, or the backend that matched is disabled. */
  | { backendBotId: null; reason: 'unrouted' | 'backend disabled'; matchedBy?: ScopeType | 'default' };

/**
 * The relay's routing (discord-relay-plan.md "Routing & Isolation Model"): per Discord bot,
 * `dm_user` (DMs from that user) > `channel` > `guild` (guild messages only) > the bot's default.
 * Exactly one backend per message; a message nothing matches is dropped, never delivered to a
 * backend it was not routed to. Ambiguous routes are refused earlier, by the configuration.
 */
export class RoutingTable {
  private readonly rules = new Map<string, string>();

  constructor(
    rules: RouteRule[],
    private readonly defaults: ReadonlyMap<string, string>,
    private readonly enabledBackends: ReadonlySet<string>,
  ) {
    for (const rule of rules) this.rules.set(key(rule.discordBotId, rule.scopeType, rule.scopeId), rule.backendBotId);
  }

  route(message: MessageScope): RouteDecision {
    const candidates: [ScopeType, string | null][] = [
      ['dm_user', message.isDm ? message.authorId : null],
      ['channel', message.channelId],
      ['guild', message.isDm ? null : message.guildId],
    ];
    for (const [scope, id] of candidates) {
      const backend = id === null ? undefined : this.rules.get(key(message.discordBotId, scope, id));
      if (backend !== undefined) return this.decide(backend, scope);
    }
    const fallback = this.defaults.get(message.discordBotId);
    return fallback === undefined ? { backendBotId: null, reason: 'unrouted' } : this.decide(fallback, 'default');
  }

  /** The backend an explicit route of this scope and id names (enabled or not). */
  rule(discordBotId: string, scope: ScopeType, id: string): string | undefined {
    return this.rules.get(key(discordBotId, scope, id));
  }

  /** Whether the Discord bot has routes of this scope (to this backend, when given). */
  hasRules(discordBotId: string, scope: ScopeType, backendBotId?: string): boolean {
    const prefix = `${discordBotId}\u0000${scope}\u0000`;
    for (const [rule, backend] of this.rules)
      if (rule.startsWith(prefix) && (backendBotId === undefined || backend === backendBotId)) return true;
    return false;
  }

  /** Whether any route or default of the Discord bot leads to the backend: what lets a backend send through that bot. */
  connects(discordBotId: string, backendBotId: string): boolean {
    if (this.defaults.get(discordBotId) === backendBotId) return true;
    const prefix = `${discordBotId}\u0000`;
    for (const [rule, backend] of this.rules) if (backend === backendBotId && rule.startsWith(prefix)) return true;
    return false;
  }

  private decide(backendBotId: string, matchedBy: ScopeType | 'default'): RouteDecision {
    return this.enabledBackends.has(backendBotId)
      ? { backendBotId, matchedBy }
      : { backendBotId: null, reason: 'backend disabled', matchedBy };
  }
}

const key = (discordBotId: string, scope: ScopeType, id: string) => `${discordBotId}\u0000${scope}\u0000${id}`;
