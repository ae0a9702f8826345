import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { withSpan } from './with-span';

describe('withSpan', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('test');
  const finished = async () => {
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  };

  afterEach(() => exporter.reset());

  it('ends the span with the work, which may set attributes of its own', async () => {
    const result = await withSpan(tracer, 'work', { attributes: { given: 1 } }, (span) => {
      span.setAttribute('own', 'yes');
      return Promise.resolve(42);
    });
    expect(result).toBe(42);
    const [span] = await finished();
    expect(span.name).toBe('work');
    expect(span.attributes).toEqual({ given: 1, own: 'yes' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a throw on the span (exception event, ERROR with its message) and rethrows it as it was', async () => {
    const error = new Error('Discord said no');
    await expect(withSpan(tracer, 'fails', {}, () => Promise.reject(error))).rejects.toBe(error);
    const [span] = await finished();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Discord said no' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records a thrown non-Error by its text', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a careless library may throw
    await expect(withSpan(tracer, 'odd', {}, () => Promise.reject('plain text'))).rejects.toBe('plain text');
    expect((await finished())[0].status).toEqual({ code: SpanStatusCode.ERROR, message: 'plain text' });
  });
});
