import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry } from '@discord-backbone/telemetry';

/** Starts the app's telemetry set-up with an in-memory exporter; call once per test file. */
export function captureSpans(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  startTelemetry({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return exporter;
}

export function spansNamed(exporter: InMemorySpanExporter, name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.name === name);
}
