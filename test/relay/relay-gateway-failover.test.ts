import { useTestInfra } from '../support/infra';
import { relayRig, RelayRig } from '../support/relay';
import {
  expectEachDeliveredOnce,
  gatewayHolder,
  holdsBothBots,
  keepPosting,
  readiness,
  spawnRelayWorker,
} from '../support/relay-replicas';
import { waitFor } from '../support/sqs';
import { WorkerProcess } from '../support/worker-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TAKEOVER_GOAL_MS = 30_000;

/**
 * Built worker processes (`npm run build`) on one Discord stand-in: at no instant more than one
 * gateway session per bot, and hand-overs — a holder killed, its database session terminated, a
 * rolling restart — that neither lose a message posted meanwhile nor deliver one twice.
 */
describe('message relay: one gateway session per Discord bot across worker replicas', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    rig = await relayRig();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await rig.close();
  });

  const spawn = async () => {
    const worker = await spawnRelayWorker(rig);
    workers.push(worker);
    return worker;
  };
  /** Ms from `since` to the first Identify of bot A after it (the take-over time); undefined when there was none. */
  const identifiedAfter = (since: number) => {
    const identify = rig.gateway.events.find((e) => e.bot === rig.botA.userId && e.op === 'identify' && e.at > since);
    return identify && identify.at - since;
  };
  /** A replica holding both bots, a second one ready as standby, and messages being posted for a second already. */
  const holderAndStandbyWhilePosting = async () => {
    const first = await spawn();
    await holdsBothBots(prisma, rig, first);
    const second = await spawn();
    await waitFor(async () => (await readiness(second)) === 200, { what: 'the standby ready' });
    const posting = keepPosting(rig);
    await sleep(1000);
    return { first, second, posting };
  };
  const expectOneSessionPerBotThroughout = () => {
    expect(rig.gateway.maxConcurrentSessions.get(rig.botA.userId)).toBe(1);
    expect(rig.gateway.maxConcurrentSessions.get(rig.botB.userId)).toBe(1);
  };

  it('a standby takes over within 30 s when the holder is killed (SIGKILL) and backfills the gap: every message delivered once', async () => {
    const { first, second, posting } = await holderAndStandbyWhilePosting();

    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await holdsBothBots(prisma, rig, second, TAKEOVER_GOAL_MS);
    expect(identifiedAfter(killedAt)).toBeLessThan(TAKEOVER_GOAL_MS);
    await sleep(1000);

    await expectEachDeliveredOnce(prisma, posting.stop());
    expectOneSessionPerBotThroughout();
  }, 120_000);

  it("another replica takes over when the holder's database session is terminated; the old holder steps down and stands by, ready", async () => {
    const { first, second, posting } = await holderAndStandbyWhilePosting();

    const terminatedAt = Date.now();
    for (const bot of ['discord_a', 'discord_b']) {
      const holder = (await gatewayHolder(prisma, bot))!;
      await prisma.$queryRaw`SELECT pg_terminate_backend(${holder.backendPid}::int)`;
    }
    await holdsBothBots(prisma, rig, second, TAKEOVER_GOAL_MS);
    expect(identifiedAfter(terminatedAt)).toBeLessThan(TAKEOVER_GOAL_MS);
    expect(await readiness(first)).toBe(200);
    await sleep(1000);

    await expectEachDeliveredOnce(prisma, posting.stop());
    expectOneSessionPerBotThroughout();
  }, 120_000);

  it('survives a rolling restart of three replicas: each replaced in turn (new one up, old one SIGTERMed), one session per bot, every message once', async () => {
    const replicas = [await spawn(), await spawn(), await spawn()];
    const live = new Set(replicas);
    const heldByLiveReplica = async () => {
      const holders = await Promise.all(['discord_a', 'discord_b'].map((id) => gatewayHolder(prisma, id)));
      return (
        holders.every((h) => h && [...live].some((w) => w.child.pid === h.processPid)) &&
        rig.gateway.openSessions(rig.botA.userId) === 1 &&
        rig.gateway.openSessions(rig.botB.userId) === 1
      );
    };
    await waitFor(heldByLiveReplica, { what: 'both bots held', timeoutMs: TAKEOVER_GOAL_MS });
    const posting = keepPosting(rig);

    for (const old of replicas) {
      const fresh = await spawn();
      live.add(fresh);
      await waitFor(async () => (await readiness(fresh)) === 200, { what: 'the new replica ready' });
      const stoppedAt = Date.now();
      live.delete(old);
      old.child.kill('SIGTERM');
      expect((await old.exited).code).toBe(0);
      await waitFor(heldByLiveReplica, { what: 'both bots held by a running replica', timeoutMs: TAKEOVER_GOAL_MS });
      // When the stopped replica held bot A, another identified within the goal.
      expect(identifiedAfter(stoppedAt) ?? 0).toBeLessThan(TAKEOVER_GOAL_MS);
    }
    await sleep(1000);

    await expectEachDeliveredOnce(prisma, posting.stop());
    expectOneSessionPerBotThroughout();
  }, 240_000);
});
