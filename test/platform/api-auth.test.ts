import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AuthenticatedBy, PublicRoute, RequiresScope } from '@discord-backbone/auth';
import { QueueName } from '@discord-backbone/contracts';
import { bearer, TEST_ADMIN_KEY, TEST_API_KEY, TEST_AUTH_ENV } from '../support/http';
import { useTestInfra } from '../support/infra';
import { createSystemQueue } from '../support/sqs';
import { startApi } from '../support/worker';
import { spawnApp } from '../support/worker-process';

interface Route {
  method: string;
  path: string;
  public: boolean;
  alternative?: string;
  admin: boolean;
}

/** Every route the app registered, found through Nest's discovery (not a list kept by hand). */
function registeredRoutes(app: INestApplication): Route[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: Route[] = [];
  for (const { instance, metatype } of discovery.getControllers()) {
    if (!instance || !metatype) continue;
    const bases = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat();
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets = [handler, metatype];
      for (const base of bases) {
        for (const path of [paths].flat()) {
          routes.push({
            method,
            path: `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/'),
            public: reflector.getAllAndOverride(PublicRoute, targets) !== undefined,
            alternative: reflector.getAllAndOverride(AuthenticatedBy, targets),
            admin: reflector.getAllAndOverride(RequiresScope, targets) === 'admin',
          });
        }
      }
    }
  }
  return routes;
}

const ANY_ID = '00000000-0000-4000-8000-000000000000';

/** A message relay configuration, so that the relay's /v1 routes are registered too. */
function relayConfig(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'relay-auth-')), 'relay.yaml');
  writeFileSync(
    file,
    `discord_bots: [{ id: discord_a, token: not-a-real-token }]
backend_bots: [{ id: alpha, api_key: "relay-backend-key-0123456789abcdefghijklmn" }]
routing: { defaults: { discord_a: alpha } }
`,
  );
  return file;
}
const concrete = (path: string) => path.replace(/:[A-Za-z_]+/g, ANY_ID);

describe('API authentication', () => {
  const { sqs } = useTestInfra();
  let api: { app: INestApplication; url: string } | undefined;

  afterEach(async () => {
    await api?.app.close();
    api = undefined;
  });

  /** The API with every optional part configured, so that every route it can have is registered. */
  const startFullApi = async (overrides: Record<string, string> = {}) => {
    const discord = await createSystemQueue(sqs, QueueName.DISCORD);
    const backend = await createSystemQueue(sqs, QueueName.BACKEND);
    const botOperations = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS);
    const campaigns = await createSystemQueue(sqs, QueueName.CAMPAIGN);
    api = await startApi({
      DISCORD_QUEUE_URL: discord.queueUrl,
      BACKEND_QUEUE_URL: backend.queueUrl,
      BOT_OPERATIONS_QUEUE_URL: botOperations.queueUrl,
      // Discord's interactions endpoint (signature-authenticated) and GET /campaigns/:id.
      DISCORD_PUBLIC_KEY: generateKeyPairSync('ed25519')
        .publicKey.export({ format: 'der', type: 'spki' })
        .subarray(-32)
        .toString('hex'),
      CAMPAIGN_QUEUE_URL: campaigns.queueUrl,
      DISCORD_BOT_TOKEN: 'api-auth-test-bot-token', // required with DISCORD_PUBLIC_KEY; no call reaches Discord here
      OUTBOX_RELAY_ENABLED: 'false',
      RELAY_CONFIG: relayConfig(),
      ...overrides,
    });
    return api;
  };

  const request = (url: string, route: Route, headers: Record<string, string> = {}) =>
    fetch(`${url}${concrete(route.path)}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: ['GET', 'HEAD'].includes(route.method) ? undefined : '{}',
    });

  it('leaves no route reachable without credentials but the health probes', async () => {
    const { app, url } = await startFullApi();
    const routes = registeredRoutes(app);
    // The discovery really sees the app's routes.
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/orders' }),
        expect.objectContaining({ method: 'GET', path: '/health/ready' }),
        expect.objectContaining({ method: 'POST', path: '/v1/messages/lease', alternative: 'relay-backend-key' }),
        expect.objectContaining({ method: 'GET', path: '/v1/health', alternative: 'relay-backend-key' }),
      ]),
    );
    expect(routes.length).toBeGreaterThan(15);

    expect(
      routes
        .filter((r) => r.public)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(['GET /health/live', 'GET /health/ready']);
    expect(routes.filter((r) => r.alternative).map((r) => `${r.method} ${r.path} ${r.alternative}`)).toEqual(
      expect.arrayContaining(['POST /interactions discord-signature']),
    );
    for (const route of routes.filter((r) => !r.public)) {
      for (const headers of [
        {},
        bearer('not-a-key'),
        { authorization: `Basic ${Buffer.from(`x:${TEST_API_KEY}`).toString('base64')}` },
      ]) {
        const res = await request(url, route, headers);
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
        if (!route.alternative) expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      }
    }
  });

  it('refuses service keys on admin routes (403) and accepts admin keys everywhere', async () => {
    const { app, url } = await startFullApi();
    const admin = registeredRoutes(app).filter((r) => r.admin);
    expect(admin.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /contractors', 'POST /subscription-channels']),
    );
    for (const route of admin) {
      const asService = await request(url, route, bearer(TEST_API_KEY));
      expect({ route: route.path, status: asService.status }).toEqual({ route: route.path, status: 403 });
      expect(await asService.json()).toMatchObject({
        message: 'This route needs an API key with the admin scope (API_ADMIN_KEYS)',
      });
      const asAdmin = await request(url, route, bearer(TEST_ADMIN_KEY));
      expect([401, 403]).not.toContain(asAdmin.status);
    }
    const orders = registeredRoutes(app).find((r) => r.method === 'POST' && r.path === '/orders')!;
    expect((await request(url, orders, bearer(TEST_API_KEY))).status).toBe(400); // past the guard: the empty body is refused
  });

  it('accepts any of several keys, so a key can be rotated', async () => {
    const next = 'the-next-service-key-after-rotation-0123456789';
    const { app, url } = await startFullApi({ API_KEYS: `${TEST_API_KEY},${next}` });
    const orders = registeredRoutes(app).find((r) => r.method === 'POST' && r.path === '/orders')!;
    expect((await request(url, orders, bearer(TEST_API_KEY))).status).toBe(400);
    expect((await request(url, orders, bearer(next))).status).toBe(400);
  });

  it('refuses to start without keys, and opens every route only with API_AUTH=disabled', async () => {
    await expect(startApi({ API_KEYS: '', API_ADMIN_KEYS: '' })).rejects.toThrow(
      /API_KEYS \(missing\).*API_AUTH=disabled/s,
    );
    await expect(startApi({ API_KEYS: 'too-short' })).rejects.toThrow(/API_KEYS entry 1 is too short/);

    const { app, url } = await startFullApi({ API_KEYS: '', API_ADMIN_KEYS: '', API_AUTH: 'disabled' });
    const contractors = registeredRoutes(app).find((r) => r.method === 'POST' && r.path === '/contractors')!;
    expect((await request(url, contractors)).status).toBe(400);
  });

  it("refuses API_AUTH=disabled with NODE_ENV=production, and a key that is also a relay backend's (issue 16, item 4)", async () => {
    await expect(
      startApi({ API_KEYS: '', API_ADMIN_KEYS: '', API_AUTH: 'disabled', NODE_ENV: 'production' }),
    ).rejects.toThrow(/API_AUTH \(invalid\)/);

    const relayConfig = path.join(mkdtempSync(path.join(tmpdir(), 'auth-realms-')), 'relay.yaml');
    writeFileSync(
      relayConfig,
      `discord_bots: [{ id: bot, token: "relay-bot-token" }]
backend_bots: [{ id: alpha, api_key_env: ALPHA_KEY }]
routing: { mode: first_match, defaults: { bot: alpha } }
routes: []
`,
    );
    const start = startApi({ RELAY_CONFIG: relayConfig, ALPHA_KEY: TEST_ADMIN_KEY });
    await expect(start).rejects.toThrow(
      /API_ADMIN_KEYS entry 1 and backend_bots\[0\] \(alpha\) api_key are the same key/,
    );
    await expect(start).rejects.not.toThrow(TEST_ADMIN_KEY);
  });

  it('never writes a key to the log, and its health endpoints say only up or down', async () => {
    const unreachable = 'http://127.0.0.1:9/000000000000/unreachable';
    const app = await spawnApp('api', {
      ...TEST_AUTH_ENV,
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
      AWS_SQS_ENABLED: 'false',
      DISCORD_QUEUE_URL: unreachable,
      OUTBOX_RELAY_ENABLED: 'false',
      LOG_LEVEL: 'info',
      OTEL_SDK_DISABLED: 'true',
    });
    try {
      const base = `http://127.0.0.1:${app.port}`;
      await fetch(`${base}/orders/${ANY_ID}`, { headers: bearer(TEST_API_KEY) });
      await fetch(`${base}/contractors`, { method: 'POST', headers: bearer(TEST_API_KEY) });
      await fetch(`${base}/orders`, { headers: bearer('a-wrong-key-that-must-not-be-logged-either') });
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'error',
        info: { postgres: { status: 'up' } },
        error: { sqs: { status: 'down' } },
        details: { postgres: { status: 'up' }, sqs: { status: 'down' } },
      });
      await new Promise((resolve) => setTimeout(resolve, 200)); // the last log lines
      expect(app.output()).toContain('"url":"/orders/');
      // Probes are not logged as requests (a readiness check may still log why it failed).
      const completed = app
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"request completed"'));
      expect(completed.some((line) => line.includes('"url":"/orders/'))).toBe(true);
      expect(completed.filter((line) => line.includes('"url":"/health'))).toEqual([]);
      for (const secret of [TEST_API_KEY, TEST_ADMIN_KEY, 'a-wrong-key-that-must-not-be-logged-either'])
        expect(app.output()).not.toContain(secret);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  });
});
