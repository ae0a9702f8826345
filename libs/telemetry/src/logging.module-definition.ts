import { ConfigurableModuleBuilder, DynamicModule } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule, Params } from 'nestjs-pino';

export const LOGGING_OPTIONS = Symbol('LOGGING_OPTIONS');

export interface LoggingOptions {
  /** LOG_LEVEL: pino's level name (`info`, `debug`, `silent`, …). */
  level: string;
}

/** Paths never written to logs, whatever a log call passes in. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.DATABASE_URL',
];

function pick({ id, method, url }: { id?: unknown; method?: string; url?: string }) {
  return { id, method, url };
}

function pinoParams(options: LoggingOptions): Params {
  return {
    pinoHttp: {
      level: options.level,
      redact: { paths: REDACT, censor: '[redacted]' },
      // A request is named by its id, method and URL; its headers (keys, cookies) never reach a log
      // line, and the per-request child logger stays cheap to build.
      serializers: { req: (req: { id?: unknown; method?: string; url?: string }) => pick(req) },
      // originalUrl: on Fastify the middleware bridge strips the mount path from `url` while pino-http runs.
      autoLogging: {
        ignore: (req) => ((req as { originalUrl?: string }).originalUrl ?? req.url)?.startsWith('/health') ?? false,
      },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
      },
    },
  };
}

/** The options provider (and what its factory injects) is handed to nestjs-pino's own async module, which needs it. */
function withPino(definition: DynamicModule, extras: { isGlobal: boolean }): DynamicModule {
  return {
    module: definition.module,
    global: extras.isGlobal,
    imports: [
      LoggerModule.forRootAsync({
        imports: definition.imports ?? [],
        providers: definition.providers ?? [],
        inject: [LOGGING_OPTIONS],
        useFactory: pinoParams,
      }),
    ],
  };
}

export const { ConfigurableModuleClass: ConfigurableLoggingModule } = new ConfigurableModuleBuilder<LoggingOptions>({
  optionsInjectionToken: LOGGING_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, withPino)
  .build();
