import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before Nest (import this first in main.ts). Exporter, endpoint, sampling
 * and service name come from the standard OTEL_* variables (OTLP to Jaeger by default); tests
 * pass their own span processor. Instrumentations: HTTP, pg and Prisma (database spans).
 */
export function startTelemetry(options: { serviceName: string; spanProcessors?: SpanProcessor[] }): NodeSDK {
  if (sdk) return sdk;
  process.env.OTEL_SERVICE_NAME ??= options.serviceName;
  sdk = new NodeSDK({
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    instrumentations: [new HttpInstrumentation(), new PgInstrumentation(), new PrismaInstrumentation()],
  });
  sdk.start();
  return sdk;
}

/** Flushes and stops the SDK; called on shutdown so the last spans reach the collector. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
