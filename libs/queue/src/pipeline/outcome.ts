/**
 * How a received message left the pipeline:
 * - `applied`, `duplicate` (its key was applied before), `dead_lettered` (with the reason), and
 *   `requeued` (sent again as a fresh copy during a Postgres outage): deleted from the queue;
 * - `retry`: left invisible for its backoff; `released`: handed back untouched (a FIFO group waits
 *   for an earlier message, or shutdown); `held`: handed back uncounted while Postgres is down.
 */
export type Outcome = 'applied' | 'duplicate' | 'dead_lettered' | 'requeued' | 'retry' | 'released' | 'held';

export function isDone(outcome: Outcome): boolean {
  return outcome === 'applied' || outcome === 'duplicate' || outcome === 'dead_lettered' || outcome === 'requeued';
}
