import { DynamicModule, Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';

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

/** Structured JSON logs (pino) with the active trace and span id on every line. */
@Module({})
export class LoggingModule {
  static forRoot(options: { level: string }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            redact: { paths: REDACT, censor: '[redacted]' },
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
            mixin() {
              const span = trace.getActiveSpan()?.spanContext();
              return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
            },
          },
        }),
      ],
    };
  }
}
