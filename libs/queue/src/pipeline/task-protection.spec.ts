import { startFakeEcsAgent as fakeAgent } from '../../../../test/support/ecs-agent';
import { TaskProtection } from './task-protection';

/** Polls until `check` holds (the idle timer runs on the clock); fails after 10 s. */
async function until(check: () => boolean): Promise<void> {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > 10_000) throw new Error('condition not reached within 10 s');
  }
}

describe('TaskProtection', () => {
  it('does nothing without the ECS agent endpoint', async () => {
    const protection = new TaskProtection({ consumers: [], shutdownDrainTimeoutMs: 1000 });
    protection.acquire(3);
    protection.release(3);
    await protection.onApplicationShutdown();
  });

  it('protects the task while messages are in hand and lifts it once none has been for the idle time', async () => {
    const agent = await fakeAgent();
    const protection = new TaskProtection({
      consumers: [],
      shutdownDrainTimeoutMs: 1000,
      ecsAgentUri: agent.uri,
      taskProtectionIdleMs: 100,
    });
    try {
      protection.acquire(5);
      protection.acquire(2); // still protected: no second request
      await protection.flushed();
      expect(agent.requests).toEqual([
        {
          method: 'PUT',
          url: '/api/task-1/task-protection/v1/state',
          body: { ProtectionEnabled: true, ExpiresInMinutes: 10 },
        },
      ]);
      protection.release(5);
      await new Promise((r) => setTimeout(r, 150)); // past the idle time, but two messages are still in hand
      await protection.flushed();
      expect(agent.requests).toHaveLength(1);
      protection.release(2);
      protection.acquire(1); // back to work within the idle time: protection kept
      protection.release(1);
      await until(() => agent.requests.length === 2);
      expect(agent.requests.map((r) => r.body.ProtectionEnabled)).toEqual([true, false]);
    } finally {
      await protection.onApplicationShutdown();
      await agent.close();
    }
  });

  it('lifts the protection at shutdown even with messages still counted', async () => {
    const agent = await fakeAgent();
    const protection = new TaskProtection({ consumers: [], shutdownDrainTimeoutMs: 1000, ecsAgentUri: agent.uri });
    protection.acquire(1);
    await protection.onApplicationShutdown();
    expect(agent.requests.map((r) => r.body.ProtectionEnabled)).toEqual([true, false]);
    await agent.close();
  });

  it('asks again at the next message when the agent refused, and never throws', async () => {
    let refuse = true;
    const agent = await fakeAgent(() =>
      refuse
        ? { status: 200, body: { failure: { Reason: 'TASK_NOT_VALID' } } }
        : { status: 200, body: { protection: {} } },
    );
    const protection = new TaskProtection({
      consumers: [],
      shutdownDrainTimeoutMs: 1000,
      ecsAgentUri: agent.uri,
      taskProtectionIdleMs: 10_000,
    });
    try {
      protection.acquire(1);
      await protection.flushed();
      refuse = false;
      protection.acquire(1);
      await protection.flushed();
      expect(agent.requests.map((r) => r.body.ProtectionEnabled)).toEqual([true, true]);
    } finally {
      await protection.onApplicationShutdown();
      await agent.close();
    }
  });
});
