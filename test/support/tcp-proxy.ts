import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP forwarder to another local port that can be cut: while cut, connections are refused
 * (reset) as if the endpoint were unreachable. For "SQS is briefly down" tests.
 */
export interface TcpProxy {
  endpoint: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  let down = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cut: () => {
      down = true;
      for (const s of sockets) s.destroy(); // kept-alive connections too
    },
    restore: () => {
      down = false;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The test database's address, for a proxy in front of it. */
export const databaseTarget = () => new URL(`http://${new URL(process.env.TEST_DATABASE_URL!).host}`);

/** The test database, reached through `proxy`: cutting the proxy is a Postgres outage for that app only. */
export function databaseUrlThrough(proxy: TcpProxy): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.host = new URL(proxy.endpoint).host;
  return url.toString();
}
