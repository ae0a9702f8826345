/**
 * Handlers by message type, one per value of the discriminator `D` of the union `M`, each typed
 * for its own message: a type without a handler, or a handler for the wrong message, does not compile.
 */
export type HandlersByType<M extends Record<D, string>, D extends keyof M, A extends unknown[], R> = {
  [T in M[D]]: (message: Extract<M, Record<D, T>>, ...args: A) => R;
};

/** The same for handlers that take every message of their type in a batch at once. */
export type BatchHandlersByType<M extends Record<D, string>, D extends keyof M, A extends unknown[], R> = {
  [T in M[D]]: (messages: Extract<M, Record<D, T>>[], ...args: A) => R;
};

/** Calls the handler for the message's type. */
export function dispatchByType<M extends Record<D, string>, D extends keyof M, A extends unknown[], R>(
  handlers: HandlersByType<M, D, A, R>,
  discriminator: D,
  message: M,
  ...args: A
): R {
  // TypeScript cannot correlate a union member with its handler; the mapped type guarantees it.
  const handler = handlers[message[discriminator]] as (message: M, ...args: A) => R;
  return handler(message, ...args);
}

/**
 * Splits a batch by type (in the order the types first appear) and calls each type's handler, one
 * after another, with its messages; returns each handler's result with the batch indexes of its messages.
 */
export async function dispatchGroupsByType<M extends Record<D, string>, D extends keyof M, A extends unknown[], R>(
  handlers: BatchHandlersByType<M, D, A, Promise<R>>,
  discriminator: D,
  messages: M[],
  ...args: A
): Promise<{ indexes: number[]; result: R }[]> {
  const groups = new Map<M[D], { indexes: number[]; messages: M[] }>();
  messages.forEach((message, index) => {
    const group = groups.get(message[discriminator]) ?? { indexes: [], messages: [] };
    group.indexes.push(index);
    group.messages.push(message);
    groups.set(message[discriminator], group);
  });
  const results: { indexes: number[]; result: R }[] = [];
  for (const [type, group] of groups) {
    const handler = handlers[type] as (messages: M[], ...args: A) => Promise<R>; // see dispatchByType
    results.push({ indexes: group.indexes, result: await handler(group.messages, ...args) });
  }
  return results;
}
