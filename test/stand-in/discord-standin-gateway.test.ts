import { GatewayDispatchEvents, GatewayOpcodes } from 'discord.js';
import { WebSocket } from 'ws';
import { DiscordStandin, FakeGateway, startDiscordStandin } from '@discord-backbone/discord-standin';

type Frame = { op: number; t?: string | null };

/** A raw client of the stand-in's gateway, keeping every frame it receives. */
function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const frames: Frame[] = [];
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Frame));
    socket.once('open', () => resolve({ socket, frames, closed }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

const until = async (check: () => boolean, what: string) => {
  for (const deadline = Date.now() + 5000; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

// The stand-in's gateway is reachable from the machine it runs on: it must neither fall over on a
// frame it cannot read nor let a web page of another site talk to it from a developer's browser.
describe('Discord stand-in gateway', () => {
  let standin: DiscordStandin;
  let gateway: FakeGateway;
  const apiPort = () => new URL(standin.apiUrl).port;

  beforeEach(async () => {
    standin = await startDiscordStandin({ port: 0, botToken: 'standin-gateway-token' });
    gateway = await standin.discord.startGateway();
  });
  afterEach(() => standin.close());

  it('closes a connection that sends a frame it cannot read (as Discord does: 4002, 4001), and serves the next one', async () => {
    const malformed: (string | Buffer)[] = [
      'not json',
      '[1,2]',
      'null',
      '"text"',
      '{"op":"2"}',
      '{"op":2,"d":"token"}',
      '{"op":6}',
      Buffer.from([0x00, 0xff, 0x10]),
    ];
    for (const frame of malformed) {
      const { socket, closed } = await connect(gateway.url);
      socket.send(frame, { binary: Buffer.isBuffer(frame) });
      expect([String(frame), await closed]).toEqual([String(frame), 4002]);
    }
    const unknownOp = await connect(gateway.url);
    unknownOp.socket.send('{"op":99,"d":null}');
    expect(await unknownOp.closed).toBe(4001);
    const oversized = await connect(gateway.url);
    oversized.socket.send(JSON.stringify({ op: 1, d: 'x'.repeat(100_000) }));
    expect(await oversized.closed).toBe(1009); // ws: message too big

    // Still up: a well-formed client gets Hello, its heartbeat acknowledged, and READY on Identify.
    const { socket, frames } = await connect(gateway.url);
    socket.send(JSON.stringify({ op: GatewayOpcodes.Heartbeat, d: null }));
    socket.send(
      JSON.stringify({
        op: GatewayOpcodes.Identify,
        d: { token: 'standin-gateway-token', intents: 0, properties: {} },
      }),
    );
    await until(() => frames.some((f) => f.t === GatewayDispatchEvents.Ready), 'READY');
    expect(frames.slice(0, 2).map((f) => f.op)).toEqual([GatewayOpcodes.Hello, GatewayOpcodes.HeartbeatAck]);
    socket.close();
  });

  it('lets in clients without an Origin (discord.js) and the stand-in’s own loopback origins, and refuses pages of other origins', async () => {
    const gatewayPort = new URL(gateway.url).port;
    for (const origin of [
      undefined,
      `http://127.0.0.1:${apiPort()}`,
      `http://localhost:${apiPort()}`,
      `http://127.0.0.1:${gatewayPort}`,
    ]) {
      const { socket, frames } = await connect(gateway.url, origin ? { Origin: origin } : {});
      await until(() => frames.length > 0, `Hello with Origin ${origin}`);
      expect(frames[0].op).toBe(GatewayOpcodes.Hello);
      socket.close();
    }
    for (const origin of [
      'https://evil.example',
      `http://evil.example:${apiPort()}`,
      'http://127.0.0.1:1',
      `https://127.0.0.1.evil.example:${apiPort()}`,
      'null',
    ]) {
      await expect(connect(gateway.url, { Origin: origin })).rejects.toThrow(/refused: 40[13]/);
    }
    expect(gateway.connectedBots()).toEqual([]);
  });
});
