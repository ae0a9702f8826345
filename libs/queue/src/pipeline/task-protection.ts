import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { describeError } from '../errors';
import { QUEUE_OPTIONS, QueueModuleOptions } from '../queue.options';

/** How long one protection lasts on ECS's side; renewed well before it lapses while work continues. */
const PROTECTION_MINUTES = 10;
const RENEW_EVERY_MS = 4 * 60_000;

/**
 * ECS task scale-in protection while the worker holds messages: ECS's service autoscaling and
 * deployments do not stop a protected task, so a scale-in never takes messages away mid-work
 * (they would come back only after their visibility timeout). Protected when the first message is
 * in hand, unprotected once none is (after `idleMs`, so a steady stream does not flap), and
 * always unprotected at shutdown. Off unless the ECS agent's endpoint is configured
 * (`ECS_AGENT_URI`, which ECS sets in every task). Failures are logged, never thrown: protection
 * is an optimisation of scale-in, not a condition of processing.
 */
@Injectable()
export class TaskProtection implements OnApplicationShutdown {
  private readonly logger = new Logger(TaskProtection.name);
  private readonly endpoint?: string;
  private readonly idleMs: number;
  private held = 0;
  private protectedUntil = 0;
  private idleTimer?: NodeJS.Timeout;
  /** Requests go out one at a time, in order: the agent's last answer is the state we asked for last. */
  private chain: Promise<void> = Promise.resolve();

  constructor(@Inject(QUEUE_OPTIONS) options: QueueModuleOptions) {
    this.endpoint = options.ecsAgentUri
      ? `${options.ecsAgentUri.replace(/\/$/, '')}/task-protection/v1/state`
      : undefined;
    this.idleMs = options.taskProtectionIdleMs ?? 30_000;
  }

  /** `count` messages came into hand. */
  acquire(count: number): void {
    if (!this.endpoint || count === 0) return;
    this.held += count;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (Date.now() + (PROTECTION_MINUTES * 60_000 - RENEW_EVERY_MS) > this.protectedUntil) this.set(true);
  }

  /** `count` messages left our hands (settled or handed back). */
  release(count: number): void {
    if (!this.endpoint || count === 0) return;
    this.held = Math.max(0, this.held - count);
    if (this.held > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.held === 0) this.set(false);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** Resolves once every request asked for so far has been answered (or has failed). */
  flushed(): Promise<void> {
    return this.chain;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.endpoint) return;
    clearTimeout(this.idleTimer);
    if (this.protectedUntil > 0) this.set(false);
    await this.chain;
  }

  private set(enabled: boolean): void {
    this.protectedUntil = enabled ? Date.now() + PROTECTION_MINUTES * 60_000 : 0;
    const body = enabled
      ? { ProtectionEnabled: true, ExpiresInMinutes: PROTECTION_MINUTES }
      : { ProtectionEnabled: false };
    this.chain = this.chain.then(async () => {
      try {
        const response = await fetch(this.endpoint!, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        });
        const answer = (await response.json().catch(() => ({}))) as { failure?: { Reason?: string } };
        if (!response.ok || answer.failure) throw new Error(answer.failure?.Reason ?? `HTTP ${response.status}`);
      } catch (error) {
        // Unknown state on ECS's side: ask again at the next message instead of trusting it.
        if (enabled) this.protectedUntil = 0;
        this.logger.warn({
          msg: 'ECS task scale-in protection could not be set',
          enabled,
          error: describeError(error).message,
        });
      }
    });
  }
}
