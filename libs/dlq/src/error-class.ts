import type { DeadLetter } from '@discord-backbone/queue';

/**
 * The class of a DLQ message that carries no reason: SQS's redrive policy moved it (a consumer
 * that crashed or was killed on every receive), not the worker.
 */
export const NO_REASON_CLASS = 'none';

export const classOf = (deadLetter: DeadLetter): string => deadLetter.errorClass ?? NO_REASON_CLASS;

/** `--class X`: exactly X; `X*`: every class starting with X (`RetriesExhausted:*`); undefined: every class. */
export function classFilter(pattern: string | undefined): (errorClass: string) => boolean {
  if (pattern === undefined) return () => true;
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (errorClass) => errorClass.startsWith(prefix);
  }
  return (errorClass) => errorClass === pattern;
}

/** Counts by class, largest first. */
export function countByClass(classes: Iterable<string>): [string, number][] {
  const counts = new Map<string, number>();
  for (const errorClass of classes) counts.set(errorClass, (counts.get(errorClass) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
