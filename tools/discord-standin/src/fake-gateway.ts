// The Discord gateway, played by a local WebSocket server: a real discord.js Client finds it through
// the fake REST server's `GET /gateway/bot` and connects as it would to Discord (JSON frames, no
// compression). Hello, heartbeats, Identify → READY + GUILD_CREATE, Resume → RESUMED, and
// MESSAGE_CREATE for the messages the fake records. Tests can cut a session (it resumes), or
// invalidate it (the client identifies afresh). Like Discord at its worst, a resumed session gets
// nothing replayed: what was posted meanwhile is only in the channels' history. A frame it cannot
// read closes that connection as Discord would (4002, 4001), and browser pages of other origins
// cannot connect at all.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ChannelType, GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { WebSocket, WebSocketServer } from 'ws';
import { messageJson } from './world/message-store';
import type { FakeBot, FakeChannel, FakeMessage } from './world/shapes';
import type { FakeWorld } from './world/world';

const MAX_FRAME_BYTES = 64 * 1024;

interface Session {
  id: string;
  bot: FakeBot;
  intents: number;
  seq: number;
  socket?: WebSocket;
}

export interface GatewayEvent {
  /** The bot's user id. */
  bot: string;
  op: 'identify' | 'resume';
  sessionId: string;
  /** When it arrived (ms since the epoch): Discord spaces Identifies 5 s apart per bucket. */
  at: number;
}

export class FakeGateway {
  /** Every Identify and Resume, in order: what the clients did. */
  readonly events: GatewayEvent[] = [];
  private readonly sessions = new Map<string, Session>();
  private closed = false;
  /** Bots whose Identify and Resume wait (see hold()), with what waits. */
  private readonly held = new Map<string, (() => void)[]>();
  /** Per bot (user id), the most sessions it ever had open at once: more than one, and two processes were connected as that bot. */
  readonly maxConcurrentSessions = new Map<string, number>();
  /** What GET /gateway/bot reports; each Identify uses one of the day's session starts, as on Discord. */
  readonly sessionStartLimit = { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 };

  constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    /** The Discord it serves: its bots, their guilds and channels. */
    private readonly discord: FakeWorld,
    private readonly heartbeatIntervalMs: number,
  ) {
    server.on('connection', (socket) => this.connected(socket));
  }

  /** Stops serving (as if Discord were unreachable): connections are cut and new ones refused. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Bots (user ids) with a session whose connection is open. */
  connectedBots(): string[] {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).map((s) => s.bot.userId);
  }

  /** The bot's sessions with an open connection now. */
  openSessions(botUserId: string): number {
    return this.sessionsOf(botUserId).filter((s) => s.socket !== undefined).length;
  }

  /** Closes the bot's connection with a resumable close code: the client reconnects and resumes (op 6). */
  disconnect(botUserId: string, code = 4000): void {
    for (const session of this.sessionsOf(botUserId))
      session.socket?.close(code, 'fake gateway: disconnected by the test');
  }

  /** Invalid Session (op 9, not resumable): the session is forgotten and the client identifies afresh. */
  invalidateSession(botUserId: string): void {
    for (const session of this.sessionsOf(botUserId)) {
      this.sessions.delete(session.id);
      send(session.socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
  }

  /**
   * Keeps the bot from (re)connecting: its Identify or Resume waits until the returned release()
   * is called, so that messages can be posted while it is surely disconnected.
   */
  hold(botUserId: string): () => void {
    this.held.set(botUserId, []);
    return () => {
      const waiting = this.held.get(botUserId) ?? [];
      this.held.delete(botUserId);
      for (const proceed of waiting) proceed();
    };
  }

  /** @internal Called by FakeDiscord for each message it records. */
  messageCreated(message: FakeMessage, channel: FakeChannel, audience: string[]): void {
    const isDm = channel.type === ChannelType.DM;
    for (const session of this.sessions.values()) {
      if (!audience.includes(session.bot.userId)) continue;
      const intent = isDm ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
      if ((session.intents & intent) === 0) continue;
      // Without the Message Content intent Discord sends guild messages with empty content.
      const content = isDm || (session.intents & GatewayIntentBits.MessageContent) !== 0 ? message.content : '';
      this.dispatch(session, GatewayDispatchEvents.MessageCreate, {
        ...messageJson(message),
        content,
        ...(isDm ? { channel_type: ChannelType.DM } : {}),
      });
    }
  }

  private sessionsOf(botUserId: string): Session[] {
    return [...this.sessions.values()].filter((s) => s.bot.userId === botUserId);
  }

  private connected(socket: WebSocket): void {
    send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
    // A frame ws itself refuses (oversized, invalid UTF-8, a protocol error): that connection ends, not the process.
    socket.on('error', () => socket.terminate());
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      // What Discord does with a frame it cannot read: close 4002 (decode error) or 4001 (unknown opcode).
      const payload = isBinary ? undefined : parseFrame(data.toString('utf8'));
      if (!payload) return socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload');
      if (payload.op === GatewayOpcodes.Heartbeat)
        send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
      else if (payload.op === GatewayOpcodes.Identify)
        this.whenNotHeld(payload.d, () => this.identify(socket, payload.d));
      else if (payload.op === GatewayOpcodes.Resume) this.whenNotHeld(payload.d, () => this.resume(socket, payload.d));
      else if (!KNOWN_CLIENT_OPS.has(payload.op)) socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode');
    });
    socket.on('close', () => {
      for (const session of this.sessions.values()) if (session.socket === socket) session.socket = undefined;
    });
  }

  private whenNotHeld(d: Record<string, unknown>, proceed: () => void): void {
    const waiting = this.held.get(this.discord.botByToken(String(d.token))?.userId ?? '');
    if (waiting) waiting.push(proceed);
    else proceed();
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): void {
    const bot = this.discord.botByToken(String(d.token));
    if (!bot) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    const session: Session = {
      id: randomUUID().replace(/-/g, ''),
      bot,
      intents: Number(d.intents ?? 0),
      seq: 0,
      socket,
    };
    this.sessions.set(session.id, session);
    this.events.push({ bot: bot.userId, op: 'identify', sessionId: session.id, at: Date.now() });
    this.sessionStartLimit.remaining = Math.max(0, this.sessionStartLimit.remaining - 1);
    this.countSessions(bot.userId);
    const guilds = this.discord.guildsOf(bot.userId);
    this.dispatch(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: {
        id: bot.userId,
        username: `bot${bot.userId.slice(-6)}`,
        discriminator: '0',
        global_name: null,
        bot: true,
        avatar: null,
      },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      application: { id: bot.userId, flags: 0 },
      private_channels: [],
    });
    for (const guild of guilds) {
      this.dispatch(session, GatewayDispatchEvents.GuildCreate, {
        ...guild,
        icon: null,
        features: [],
        emojis: [],
        stickers: [],
        channels: this.discord.guildChannels(guild.id),
        threads: [],
        members: [],
        presences: [],
        voice_states: [],
        stage_instances: [],
        guild_scheduled_events: [],
        member_count: 1,
        large: false,
        unavailable: false,
        joined_at: new Date().toISOString(),
        verification_level: 0,
        default_message_notifications: 0,
        explicit_content_filter: 0,
        mfa_level: 0,
        nsfw_level: 0,
        premium_tier: 0,
        system_channel_flags: 0,
        preferred_locale: 'en-US',
        afk_timeout: 300,
      });
    }
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): void {
    const session = this.sessions.get(String(d.session_id));
    if (!session || session.bot.token !== d.token) {
      send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    this.events.push({ bot: session.bot.userId, op: 'resume', sessionId: session.id, at: Date.now() });
    this.countSessions(session.bot.userId);
    this.dispatch(session, GatewayDispatchEvents.Resumed, {});
  }

  private countSessions(botUserId: string): void {
    this.maxConcurrentSessions.set(
      botUserId,
      Math.max(this.maxConcurrentSessions.get(botUserId) ?? 0, this.openSessions(botUserId)),
    );
  }

  private dispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    send(session.socket, { op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
  }
}

/** What clients may send (Discord's send opcodes); the rest closes with 4001. */
const KNOWN_CLIENT_OPS = new Set<GatewayOpcodes>([
  GatewayOpcodes.Heartbeat,
  GatewayOpcodes.Identify,
  GatewayOpcodes.PresenceUpdate,
  GatewayOpcodes.VoiceStateUpdate,
  GatewayOpcodes.Resume,
  GatewayOpcodes.RequestGuildMembers,
  GatewayOpcodes.RequestSoundboardSounds,
]);

/** A client frame: a JSON object with a numeric `op` (and, for Identify and Resume, an object `d`); anything else is undefined. */
function parseFrame(text: string): { op: GatewayOpcodes; d: Record<string, unknown> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { op, d } = value as { op?: GatewayOpcodes; d?: unknown };
  if (typeof op !== 'number') return undefined;
  const needsObject = op === GatewayOpcodes.Identify || op === GatewayOpcodes.Resume;
  if (needsObject && (typeof d !== 'object' || d === null || Array.isArray(d))) return undefined;
  return { op, d: (d ?? {}) as Record<string, unknown> };
}

/**
 * Whom the gateway lets connect. discord.js (Node) sends no Origin; a browser always does, so a
 * page on another site (or another name that resolves here) is refused — only the stand-in's own
 * loopback origins (its REST server and page, the gateway itself) are allowed.
 */
function allowedOrigin(origin: string | undefined, ownPorts: number[]): boolean {
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  const { protocol, hostname, port } = new URL(origin);
  return (
    (protocol === 'http:' || protocol === 'ws:') &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(hostname) &&
    ownPorts.includes(Number(port))
  );
}

function send(socket: WebSocket | undefined, payload: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
}

/** A gateway on 127.0.0.1 with a free port, serving the bots of `discord` (whose REST API is at `apiUrl`). */
export async function startFakeGateway(
  discord: FakeWorld,
  options: { apiUrl: string; heartbeatIntervalMs?: number },
): Promise<FakeGateway> {
  const ownPorts = [Number(new URL(options.apiUrl).port)];
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // Discord's own limit on what a client sends is 4096 bytes; anything far larger is not a client of ours.
    maxPayload: MAX_FRAME_BYTES,
    verifyClient: ({ origin }: { origin?: string }) => allowedOrigin(origin, ownPorts),
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  ownPorts.push(port);
  return new FakeGateway(server, `ws://127.0.0.1:${port}`, discord, options.heartbeatIntervalMs ?? 41_250);
}
