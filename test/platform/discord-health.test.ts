import { DynamicModule, INestApplication, Injectable, Module, Type } from '@nestjs/common';
import { loadEnvironment } from '@discord-backbone/config';
import { DiscordHealthIndicator, DiscordModule, DiscordRestClient } from '@discord-backbone/discord';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { HealthModule, ReadinessIndicator } from '@discord-backbone/health';
import { createApp, platformModules } from '@discord-backbone/runtime';

/**
 * /health/ready with DiscordHealthIndicator as a readiness indicator, wired as the worker does
 * (DiscordModule global, HealthModule naming the indicator), on the real Postgres and SQS endpoint.
 */
describe('Discord readiness', () => {
  let fake: FakeDiscord;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(() => fake.close());
  afterEach(async () => {
    await app?.close();
    app = undefined;
    fake.reset();
  });

  const appModule = (options: { discord: boolean; indicator?: Type<ReadinessIndicator> }): DynamicModule => {
    @Module({})
    class ReadinessTestModule {}
    const env = loadEnvironment({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
      AWS_SQS_ENABLED: 'false', // no consumer: nothing else to configure
    });
    return {
      module: ReadinessTestModule,
      imports: [
        ...platformModules(env),
        HealthModule.forRootAsync({
          useFactory: () => ({ queueUrls: [], readinessIndicators: [options.indicator ?? DiscordHealthIndicator] }),
        }),
        ...(options.discord
          ? [
              DiscordModule.forRootAsync({
                isGlobal: true,
                useFactory: () => ({ token: fake.token, apiBaseUrl: fake.apiUrl, requestTimeoutMs: 2000 }),
              }),
            ]
          : []),
      ],
    };
  };

  const start = async () => {
    app = await createApp(appModule({ discord: true }), { abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return { get, discord: app.get(DiscordRestClient) };
  };

  it('is ready while Discord accepts the token; not ready, with the reason, once it answered 401; liveness unaffected', async () => {
    const { get, discord } = await start();
    expect(await get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', details: { postgres: { status: 'up' }, discord: { status: 'up' } } },
    });

    fake.failNext({ path: /^\/users\/@me$/, status: 401, message: '401: Unauthorized' });
    await expect(discord.getCurrentUser()).rejects.toMatchObject({ name: 'DiscordUnauthorizedError' });

    const ready = await get('/health/ready');
    expect(ready).toMatchObject({
      status: 503,
      body: {
        status: 'error',
        error: {
          discord: {
            status: 'down',
            message: expect.stringMatching(/Discord has rejected the bot token since .* \(401\)/),
          },
        },
        info: { postgres: { status: 'up' } },
      },
    });
    expect(JSON.stringify(ready.body)).not.toContain(fake.token);
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('fails start-up when a readiness indicator is named but nothing provides it', async () => {
    // Every app provides DiscordHealthIndicator (DiscordModule is global); this one nobody does.
    @Injectable()
    class UnprovidedIndicator {
      isHealthy() {
        return { unprovided: { status: 'up' as const } };
      }
    }
    app = await createApp(appModule({ discord: false, indicator: UnprovidedIndicator }), { abortOnError: false });
    await expect(app.init()).rejects.toThrow(/UnprovidedIndicator/);
  });
});
