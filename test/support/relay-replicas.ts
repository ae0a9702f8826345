import { PrismaClient } from '@discord-backbone/prisma';
import { gatewayLeaseName } from '../../libs/relay/src/worker/gateway-leadership';
import { snowflake } from './database';
import { RelayRig } from './relay';
import { waitFor } from './sqs';
import { spawnWorker, WorkerProcess } from './worker-process';

/** Who holds a Discord bot's gateway lease: the holding process's pid (from its holder id), its database session and the term's fence. */
export interface GatewayHolder {
  processPid: number;
  backendPid: number | null;
  fence: bigint;
}

export async function gatewayHolder(prisma: PrismaClient, discordBotId: string): Promise<GatewayHolder | undefined> {
  const lease = await prisma.deploymentLease.findUnique({ where: { name: gatewayLeaseName(discordBotId) } });
  if (!lease || lease.expiresAt.getTime() < Date.now()) return undefined;
  return { processPid: Number(lease.holder.split(':')[1]), backendPid: lease.holderPid, fence: lease.fence };
}

/** A built worker process running only the relay ingest against the rig's stand-in (`npm run build` first). */
export function spawnRelayWorker(rig: RelayRig, overrides: Record<string, string> = {}): Promise<WorkerProcess> {
  return spawnWorker(
    { name: 'none', queueUrl: '', dlqUrl: '' },
    { ...rig.env, WORKER_CONSUMERS: 'relay', ...overrides },
  );
}

export async function readiness(worker: WorkerProcess): Promise<number> {
  return (await fetch(`http://127.0.0.1:${worker.port}/health/ready`)).status;
}

/** Waits until `worker` holds bot A's and bot B's leases and both sessions are open on the stand-in. */
export async function holdsBothBots(
  prisma: PrismaClient,
  rig: RelayRig,
  worker: WorkerProcess,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => {
      const holders = await Promise.all(['discord_a', 'discord_b'].map((id) => gatewayHolder(prisma, id)));
      return (
        holders.every((h) => h?.processPid === worker.child.pid) &&
        rig.gateway.openSessions(rig.botA.userId) === 1 &&
        rig.gateway.openSessions(rig.botB.userId) === 1
      );
    },
    { what: `worker ${worker.child.pid} holding both bots' sessions`, timeoutMs },
  );
}

/**
 * Posts to channel A (routed to alpha) and channel B (routed to beta) every `everyMs` until
 * stopped: what a hand-over must neither lose nor deliver twice.
 */
export function keepPosting(rig: RelayRig, everyMs = 100): { stop(): string[] } {
  const posted: string[] = [];
  const author = snowflake();
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    posted.push(rig.discord.postMessage({ channelId: rig.channelA, authorId: author, content: `a${n}` }).id);
    posted.push(rig.discord.postMessage({ channelId: rig.channelB, authorId: author, content: `b${n}` }).id);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return posted;
    },
  };
}

/** Waits until every posted message is stored, then checks that each has exactly one message row and one delivery. */
export async function expectEachDeliveredOnce(
  prisma: PrismaClient,
  posted: string[],
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => (await prisma.relayMessage.count({ where: { discordMessageId: { in: posted } } })) === posted.length,
    {
      what: `all ${posted.length} posted messages stored`,
      timeoutMs,
    },
  );
  const perMessage = await prisma.$queryRaw<{ deliveries: number }[]>`
    SELECT count(d.id)::int AS deliveries FROM relay_messages m LEFT JOIN relay_deliveries d ON d.message_id = m.id
    WHERE m.discord_message_id = ANY(${posted}::text[]) GROUP BY m.id`;
  expect(perMessage).toHaveLength(posted.length);
  expect(perMessage.filter((m) => m.deliveries !== 1)).toEqual([]);
}
