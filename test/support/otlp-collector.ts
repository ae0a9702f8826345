import { createServer, Server } from 'node:http';

/** The spans an OTLP/HTTP JSON exporter sends: just what the assertions need. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
}

/** A minimal OTLP collector (JSON encoding), standing in for Jaeger's OTLP intake; `bodies` keeps every export as sent. */
export async function startCollector(): Promise<{ url: string; spans: OtlpSpan[]; bodies: string[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      const { resourceSpans = [] } = JSON.parse(body || '{}') as {
        resourceSpans?: { scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const r of resourceSpans) for (const scope of r.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans, bodies, server };
}
