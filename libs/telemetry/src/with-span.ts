import { Span, SpanOptions, SpanStatusCode, Tracer } from '@opentelemetry/api';

/**
 * Runs `work` in a new span, active for everything it calls: the span ends when the work settles,
 * and a throw is recorded on it (an exception event, status ERROR with the error's message) before
 * it is rethrown. `work` gets the span for attributes of its own.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw thrown;
    } finally {
      span.end();
    }
  });
}
