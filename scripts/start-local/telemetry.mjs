// npm start without an OpenTelemetry collector: no export that would only log warnings.
import net from 'node:net';

/**
 * Traces, metrics and logs go by OTLP to localhost:4318 unless told otherwise; with nothing
 * listening there every export (and the last one at Ctrl-C) only logs warnings: those the
 * environment does not choose an exporter for are turned off, and it says so.
 */
export async function telemetryOffWithoutCollector(env, log) {
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_SDK_DISABLED === 'true') return;
  const listening = await new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 4318 }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
  if (listening) return;
  const off = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'].filter((name) => !env[name]);
  for (const name of off) env[name] = 'none';
  if (off.length > 0)
    log(
      'No OpenTelemetry collector on localhost:4318: OTLP export off (set OTEL_EXPORTER_OTLP_ENDPOINT, or run Jaeger, to keep it)',
      { off },
    );
}
