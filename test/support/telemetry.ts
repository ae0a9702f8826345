import { DataPointType, MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry } from '@discord-backbone/telemetry';

/** A metric reader the test collects from on demand. */
class TestMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Starts the app's telemetry with in-memory spans and an on-demand metric reader; once per test file. */
export function captureTelemetry(): { spans: InMemorySpanExporter; metrics: MetricsProbe } {
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  startTelemetry({
    serviceName: 'test',
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    metricReaders: [reader],
  });
  return { spans, metrics: new MetricsProbe(reader) };
}

export class MetricsProbe {
  constructor(private readonly reader: MetricReader) {}

  async collect(): Promise<ResourceMetrics> {
    const { resourceMetrics } = await this.reader.collect();
    return resourceMetrics;
  }

  /**
   * The value of a metric summed over its data points whose attributes include `where`: a
   * counter's or gauge's value, a histogram's count.
   */
  async value(name: string, where: Record<string, string | number> = {}): Promise<number> {
    const resourceMetrics = await this.collect();
    let total = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints) {
          if (!Object.entries(where).every(([k, v]) => point.attributes[k] === v)) continue;
          total +=
            metric.dataPointType === DataPointType.HISTOGRAM
              ? (point.value as { count: number }).count
              : (point.value as number);
        }
      }
    }
    return total;
  }
}
