import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { context, Context, propagation, ROOT_CONTEXT, TextMapGetter, TextMapSetter } from '@opentelemetry/api';

type Attributes = Record<string, MessageAttributeValue>;

const getter: TextMapGetter<Attributes> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key]?.StringValue,
};
const setter: TextMapSetter<Attributes> = {
  set: (carrier, key, value) => {
    carrier[key] = { DataType: 'String', StringValue: value };
  },
};

/**
 * The producer's context carried in the message attributes (W3C `traceparent`). Extracted onto
 * the root context: without a traceparent, processing starts its own trace, never the poller's.
 */
export function extractTraceContext(attributes: Attributes | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, attributes ?? {}, getter);
}

/** Message attributes that carry the active trace context to the consumer. */
export function traceContextAttributes(): Attributes {
  const carrier: Attributes = {};
  propagation.inject(context.active(), carrier, setter);
  return carrier;
}
