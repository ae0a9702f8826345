import { createServer, IncomingMessage, Server } from 'node:http';

export interface ProtectionRequest {
  method?: string;
  url?: string;
  body: { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
}

/**
 * A stand-in for the ECS container agent's task-protection endpoint (`$ECS_AGENT_URI/task-protection/v1/state`):
 * records every request and answers as the agent does, or as `answer` says.
 */
export async function startFakeEcsAgent(
  answer: (body: ProtectionRequest['body']) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { protection: {} },
  }),
) {
  const requests: ProtectionRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as ProtectionRequest['body'];
      requests.push({ method: req.method, url: req.url, body });
      const reply = answer(body);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    uri: `http://127.0.0.1:${port}/api/task-1`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
