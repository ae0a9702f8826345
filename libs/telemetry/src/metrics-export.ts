import { Logger } from '@nestjs/common';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { AggregationType, InstrumentType, ViewOptions } from '@opentelemetry/sdk-metrics';

/**
 * Bucket boundaries, in seconds, of every duration histogram: 1 ms to 60 s. The SDK's default
 * (0, 5, 10 … 10000) suits milliseconds, and put every message under 5 s in one bucket.
 */
export const DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Every histogram whose unit is seconds gets DURATION_BUCKETS_SECONDS, whoever created it. */
export const DURATION_VIEWS: ViewOptions[] = [
  {
    instrumentType: InstrumentType.HISTOGRAM,
    instrumentUnit: 's',
    aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DURATION_BUCKETS_SECONDS } },
  },
];

export const PROMETHEUS_PORT_SETTING = 'OTEL_EXPORTER_PROMETHEUS_PORT';

/** The Prometheus scrape endpoint of this process, when OTEL_METRICS_EXPORTER asks for one. */
export interface MetricsEndpoint {
  host: string;
  port: number;
  state: 'starting' | 'listening' | 'failed';
}

let endpoint: MetricsEndpoint | undefined;

/** This process's scrape endpoint and whether it listens; undefined when metrics are not served by Prometheus. */
export function metricsEndpoint(): Readonly<MetricsEndpoint> | undefined {
  return endpoint;
}

const envList = (name: string) =>
  (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The Prometheus exporter, built here rather than by the SDK when OTEL_METRICS_EXPORTER names
 * `prometheus`, so that a port it cannot listen on (taken by another app, say) is logged at
 * error level naming the port and its setting, and reported by metricsEndpoint() (readiness
 * goes down), instead of the SDK's silent diagnostic. Undefined otherwise: the SDK then reads
 * OTEL_METRICS_EXPORTER itself (otlp by default, none). Call start() once the SDK has started.
 */
export function prometheusExporterFromEnv(): { exporter: PrometheusExporter; start: () => void } | undefined {
  const exporters = envList('OTEL_METRICS_EXPORTER');
  if (!exporters.includes('prometheus') || exporters.includes('none')) return undefined;
  const logger = new Logger('Telemetry');
  const others = exporters.filter((name) => name !== 'prometheus');
  if (others.length > 0)
    logger.warn({ msg: `OTEL_METRICS_EXPORTER: only prometheus is used; ${others.join(', ')} ignored beside it` });
  const host = process.env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || PrometheusExporter.DEFAULT_OPTIONS.host;
  const port = Number(process.env[PROMETHEUS_PORT_SETTING]?.trim()) || PrometheusExporter.DEFAULT_OPTIONS.port;
  const exporter = new PrometheusExporter({ host, port, preventServerStart: true });
  const state: MetricsEndpoint = { host, port, state: 'starting' };
  endpoint = state;
  const start = () =>
    void exporter.startServer().then(
      () => {
        state.state = 'listening';
        logger.log({ msg: `Metrics served at http://${host}:${port}/metrics`, host, port });
      },
      (error: unknown) => {
        state.state = 'failed';
        const reason =
          error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
        logger.error({
          msg: `Metrics endpoint cannot listen on ${host}:${port} (${PROMETHEUS_PORT_SETTING}=${port}): ${reason}; no metrics are exported and readiness is down. Give each app its own ${PROMETHEUS_PORT_SETTING}.`,
          setting: PROMETHEUS_PORT_SETTING,
          host,
          port,
          error: reason,
        });
      },
    );
  return { exporter, start };
}
