/**
 * Splits a received batch into message groups, each in receive order: a FIFO queue's
 * MessageGroupId, else the route's ordering key (one order's messages), else the message alone.
 * Groups are handled in parallel, a group's messages one after another.
 */
export function groupInOrder<T>(items: T[], groupOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/**
 * Runs `step` over a group's messages in order. When a step says its message must wait (a retry,
 * an outage), the group's later messages may not overtake it: they are not run, and are returned,
 * in order, to be handed back untouched; they come back behind it.
 */
export async function runInOrder<T>(group: T[], step: (item: T) => Promise<'next' | 'wait'>): Promise<T[]> {
  for (const [index, item] of group.entries()) {
    if ((await step(item)) === 'wait') return group.slice(index + 1);
  }
  return [];
}
