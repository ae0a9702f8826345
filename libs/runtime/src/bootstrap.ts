import { networkInterfaces } from 'node:os';
import { DynamicModule, NestApplicationOptions, Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { Environment } from '@discord-backbone/config';
import { ShutdownState } from '@discord-backbone/health';
import { stopTelemetry } from '@discord-backbone/telemetry';
import { ApiErrorsFilter, ErrorAnswerer } from './api-errors.filter';
import { BODY_LIMIT_BYTES, readJsonBodies, RejectMalformedBody } from './json-body';
import { SafeTextPipe } from './safe-text.pipe';

export interface AppOptions {
  /** Answers for the errors of the app's dependencies beyond Postgres (e.g. Discord's: `discordHttpAnswer`). */
  errorAnswerers?: ErrorAnswerer[];
}

/**
 * Either app, ready to init or listen: on Fastify (its routing and JSON handling cost the relay's
 * lease/ack path about a quarter less CPU than Express; docs/relay.md), with the logger, request
 * validation (unknown or malformed fields → 400 naming them; text that could not be stored or
 * queued → 400) and clear answers for database and Discord failures (503, 409, 404). Tests start
 * the apps through this too, so they run what ships.
 */
export async function createApp(
  module: DynamicModule | Type,
  { errorAnswerers = [], ...options }: AppOptions & NestApplicationOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    // Paths match with a trailing slash and in any case, as they did on Express.
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    }),
    // Bodies are read by readJsonBodies alone: Nest's own parsers would answer malformed JSON before the guards.
    { bufferLogs: true, ...options, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(
    new SafeTextPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.useGlobalFilters(new ApiErrorsFilter(app.getHttpAdapter(), errorAnswerers));
  readJsonBodies(app.getHttpAdapter().getInstance());
  app.useGlobalInterceptors(new RejectMalformedBody());
  return app;
}

/**
 * Shared start-up of both apps: pino logger, request validation (clear 400s), health port,
 * and graceful shutdown on SIGTERM/SIGINT (Nest's close hooks drain the consumers) with a
 * hard deadline so a stuck dependency cannot keep the process alive.
 */
export async function bootstrapApp(
  module: DynamicModule,
  defaultPort: number,
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await createApp(module, options);
  const logger = app.get(Logger);
  const env = app.get(Environment);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    // Out of rotation first (readiness down), then drain: the orchestrator stops sending work while we finish.
    app.get(ShutdownState, { strict: false }).begin();
    logger.log({ msg: 'Shutting down', signal });
    const hardDeadline = setTimeout(() => {
      logger.error({ msg: 'Shutdown deadline passed; exiting' });
      process.exit(1);
    }, env.SHUTDOWN_DRAIN_TIMEOUT_MS + 2500);
    hardDeadline.unref();
    void app
      .close()
      // An unreachable trace collector must not turn a clean shutdown into a failed one.
      .then(() =>
        stopTelemetry().catch((error: unknown) =>
          logger.warn({ msg: 'Trace export at shutdown failed', error: String(error) }),
        ),
      )
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ msg: 'Shutdown failed', error: String(error) });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  const port = env.PORT ?? defaultPort;
  await app.listen(port, everyInterface());
  logger.log({ msg: 'Listening', port });
  return app;
}

/** Every interface, IPv6 too where the host has it, as Node's own default: Fastify alone listens on localhost only. */
function everyInterface(): string {
  const ipv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.family === 'IPv6'));
  return ipv6 ? '::' : '0.0.0.0';
}
