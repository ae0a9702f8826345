import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of `target`: each request is read whole and shown to `onRequest`, which
 * may return a delay in ms to hold it for, then passed on; the answer comes back as it is (502 when
 * the target does not answer). The recording and the slow proxies are this with their own `onRequest`.
 */
export async function startHttpProxy(
  target: string,
  onRequest: (req: IncomingMessage, body: Buffer) => number | void,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const delay = onRequest(req, body) ?? 0;
      const forward = () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
        ) as Record<string, string>;
        fetch(`${upstream.origin}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: body.length > 0 ? body : undefined,
        })
          .then(async (answer) => {
            const outHeaders: Record<string, string> = {};
            answer.headers.forEach((value, key) => {
              if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(key))
                outHeaders[key] = value;
            });
            res.writeHead(answer.status, outHeaders).end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      };
      if (delay > 0) setTimeout(forward, delay);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
