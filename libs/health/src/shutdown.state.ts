import { Injectable } from '@nestjs/common';

/**
 * Set the moment the process is told to stop (before the consumers start draining), so readiness
 * goes down at once: the orchestrator takes the replica out of rotation while it finishes what it
 * holds, instead of after it has gone. Liveness is unaffected.
 */
@Injectable()
export class ShutdownState {
  private since?: number;

  begin(): void {
    this.since ??= Date.now();
  }

  get stopping(): boolean {
    return this.since !== undefined;
  }
}
