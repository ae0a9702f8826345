import { Logger } from '@nestjs/common';
import { Attributes, BatchObservableCallback, metrics, ObservableGauge } from '@opentelemetry/api';

export interface GaugeReading<N extends string> {
  gauge: N;
  value: number;
  attributes: Attributes;
}

/**
 * Gauges whose values are read (from Postgres, say) at each metric collection rather than kept
 * up to date: one `read` for all of them, whose failure skips that collection with a warning.
 * With `when`, a collection reads only when it resolves true (one replica of several reporting
 * what they all share, so dashboards that sum replicas show the truth once).
 * Returns the function that unregisters them (call it when the module is destroyed).
 */
export function observeGauges<N extends string>(
  meterName: string,
  gauges: Record<N, { description: string; unit: string }>,
  read: () => Promise<GaugeReading<N>[]>,
  { when }: { when?: () => Promise<boolean> } = {},
): () => void {
  const meter = metrics.getMeter(meterName);
  const logger = new Logger(`${meterName} metrics`);
  const instruments = Object.fromEntries(
    Object.entries<{ description: string; unit: string }>(gauges).map(([name, options]) => [
      name,
      meter.createObservableGauge(name, options),
    ]),
  ) as Record<N, ObservableGauge>;
  const callback: BatchObservableCallback = async (observer) => {
    try {
      if (when && !(await when())) return;
      for (const { gauge, value, attributes } of await read()) observer.observe(instruments[gauge], value, attributes);
    } catch (error) {
      logger.warn({ msg: 'Metrics not read', error: error instanceof Error ? error.message : String(error) });
    }
  };
  meter.addBatchObservableCallback(callback, Object.values(instruments));
  return () => meter.removeBatchObservableCallback(callback, Object.values(instruments));
}
