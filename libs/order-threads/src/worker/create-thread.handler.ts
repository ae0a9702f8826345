import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BackendResponseType, CreateThreadMessage, MemberFailure } from '@discord-backbone/contracts';
import {
  DiscordInvalidRequestError,
  DiscordMissingPermissionsError,
  DiscordPermanentError,
  DiscordRestClient,
} from '@discord-backbone/discord';
import type { ThreadCreation } from '@discord-backbone/prisma';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { describeError, RetryLaterError } from '@discord-backbone/queue';
import { THREAD_WORKER_OPTIONS, ThreadWorkerOptions } from '../order-threads.options';
import { BackendResponsePublisher } from './backend-response.publisher';
import { discordNonce } from './discord-nonce';

const MAX_THREAD_NAME = 100;
/** Discord's ceiling on an invite's max_uses. */
const MAX_INVITE_USES = 100;

/**
 * create_thread (thread-queue-handoff.md): create the thread, add the members, welcome them,
 * create an invite, answer `thread_created`. Every step is recorded in thread_creations as it
 * succeeds, so a redelivery resumes where the last one stopped and never creates a second
 * thread: if a thread was created but not recorded (crash in between), it is found again among
 * the guild's active threads by its deterministic name. A member Discord refuses is reported
 * (partial success), not retried; a transient failure retries the message and resumes.
 */
@Injectable()
export class CreateThreadHandler {
  private readonly logger = new Logger(CreateThreadHandler.name);

  /**
   * Renewed before and after every step, so it only has to outlast the longest step — finding or
   * creating the thread: up to three Discord calls (DISCORD_REQUEST_TIMEOUT_MS each) — plus a margin.
   */
  private readonly leaseSeconds: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly discord: DiscordRestClient,
    private readonly responses: BackendResponsePublisher,
    @Inject(THREAD_WORKER_OPTIONS) private readonly options: ThreadWorkerOptions,
  ) {
    this.leaseSeconds = Math.ceil((3 * options.discordRequestTimeoutMs) / 1000) + 15;
  }

  async handle(message: CreateThreadMessage): Promise<void> {
    const { payload, metadata } = message;
    const key = { entityType: metadata.entity_type, entityId: metadata.order_id };
    const { count: fresh } = await this.prisma.threadCreation.createMany({
      data: [{ ...key, guildId: payload.server_id, channelId: payload.channel_id, threadName: threadName(message) }],
      skipDuplicates: true,
    });
    const owner = randomUUID();
    let progress = await this.lease(key, owner);
    const save = (data: Prisma.ThreadCreationUpdateManyMutationInput) => this.save(progress, owner, data);
    try {
      if (!progress.completedAt) {
        if (!progress.threadId) {
          progress = await save({}); // a full lease for the one step that must not run twice
          progress = await save({ threadId: await this.findOrCreateThread(progress, fresh === 0) });
        }
        progress = await this.addMembers(progress, payload.members, save);
        if (!progress.welcomeMessageId)
          progress = await save({ welcomeMessageId: await this.welcome(progress, message) });
        if (!progress.inviteCode && !progress.inviteError) progress = await save(await this.invite(progress));
      }
      const failures = Object.values(memberFailures(progress));
      await this.responses.send(
        message,
        BackendResponseType.THREAD_CREATED,
        {
          success: true,
          thread_id: progress.threadId,
          invite_code: progress.inviteCode,
          ...(failures.length > 0 ? { member_failures: failures } : {}),
          ...(progress.inviteError ? { invite_error: progress.inviteError } : {}),
        },
        progress.welcomeMessageId,
      );
      if (!progress.completedAt) await save({ completedAt: new Date() });
    } finally {
      // Only our own lease: if it ran out and another delivery holds it now, it is theirs.
      await this.prisma.threadCreation.updateMany({
        where: { ...key, leaseOwner: owner },
        data: { leaseOwner: null, leasedUntil: null },
      });
    }
  }

  /**
   * Claims the request for this delivery. Another delivery working on it means: come back when
   * its lease runs out — a wait (RetryLaterError), not a failed attempt.
   */
  private async lease(key: { entityType: string; entityId: string }, owner: string): Promise<ThreadCreation> {
    const [claimed] = await this.prisma.$queryRaw<{ entity_id: string }[]>`
      UPDATE thread_creations SET lease_owner = ${owner}, leased_until = now() + make_interval(secs => ${this.leaseSeconds})
      WHERE entity_type = ${key.entityType} AND entity_id = ${key.entityId} AND (leased_until IS NULL OR leased_until < now())
      RETURNING entity_id`;
    if (!claimed) {
      // Database clock throughout: the lease is written and compared with now() there.
      const [{ seconds }] = await this.prisma.$queryRaw<{ seconds: number }[]>`
        SELECT GREATEST(1, CEIL(EXTRACT(EPOCH FROM (leased_until - now()))))::int AS seconds
        FROM thread_creations WHERE entity_type = ${key.entityType} AND entity_id = ${key.entityId}`;
      throw new RetryLaterError(
        `create_thread for ${key.entityType} ${key.entityId} is being handled by another delivery`,
        seconds,
      );
    }
    return this.prisma.threadCreation.findUniqueOrThrow({ where: { entityType_entityId: key } });
  }

  /** Records a step and renews the lease, in one transaction; a lease lost meanwhile (ran out, taken over) stops this delivery. */
  private save(
    progress: ThreadCreation,
    owner: string,
    data: Prisma.ThreadCreationUpdateManyMutationInput,
  ): Promise<ThreadCreation> {
    const key = { entityType: progress.entityType, entityId: progress.entityId };
    return this.prisma.$transaction(async (tx) => {
      const renewed = await tx.$executeRaw`
        UPDATE thread_creations SET leased_until = now() + make_interval(secs => ${this.leaseSeconds})
        WHERE entity_type = ${key.entityType} AND entity_id = ${key.entityId} AND lease_owner = ${owner}`;
      if (renewed === 0)
        throw new RetryLaterError(
          `create_thread for ${key.entityType} ${key.entityId} was taken over by another delivery`,
          this.leaseSeconds,
        );
      return tx.threadCreation.update({ where: { entityType_entityId: key }, data });
    });
  }

  private async findOrCreateThread(progress: ThreadCreation, attemptedBefore: boolean): Promise<string> {
    if (attemptedBefore) {
      // An earlier delivery may have created it and died before recording the id.
      const active = await this.discord.listActiveThreads(progress.guildId);
      const existing = active.find((t) => t.parent_id === progress.channelId && t.name === progress.threadName);
      if (existing) {
        this.logger.log({
          msg: 'Found the thread an earlier delivery created',
          threadId: existing.id,
          entityId: progress.entityId,
        });
        return existing.id;
      }
    }
    try {
      return (
        await this.discord.createThread(progress.channelId, {
          name: progress.threadName,
          type: 'private',
          invitable: false,
        })
      ).id;
    } catch (error) {
      // Private threads need a permission (or a server feature) the bot may lack: a public thread
      // then, but only where the operator chose that (it exposes the order to the channel).
      if (
        !this.options.publicThreadFallback ||
        !(error instanceof DiscordMissingPermissionsError || error instanceof DiscordInvalidRequestError)
      )
        throw error;
      this.logger.warn({
        msg: 'Private thread refused; creating a public one',
        channelId: progress.channelId,
        error: error.message,
      });
      return (await this.discord.createThread(progress.channelId, { name: progress.threadName, type: 'public' })).id;
    }
  }

  private async addMembers(
    progress: ThreadCreation,
    members: string[],
    save: (data: Prisma.ThreadCreationUpdateManyMutationInput) => Promise<ThreadCreation>,
  ): Promise<ThreadCreation> {
    for (const member of members) {
      const failures = memberFailures(progress);
      if (progress.membersAdded.includes(member) || failures[member]) continue;
      try {
        await this.discord.addThreadMember(progress.threadId!, member);
        progress = await save({ membersAdded: { push: member } });
      } catch (error) {
        if (!(error instanceof DiscordPermanentError)) throw error;
        const { errorClass, message } = describeError(error);
        const failure: MemberFailure = { discord_id: member, error_class: errorClass, reason: message };
        progress = await save({
          memberFailures: { ...failures, [member]: failure } as unknown as Prisma.InputJsonObject,
        });
      }
    }
    return progress;
  }

  private async welcome(progress: ThreadCreation, { payload, metadata }: CreateThreadMessage): Promise<string> {
    const subject =
      metadata.entity_type === 'order' ? `order **${payload.order.title ?? payload.order.order_id}**` : 'this offer';
    const mentions = progress.membersAdded.map((id) => `<@${id}>`).join(' ');
    const status = payload.order.status ? ` Status: ${payload.order.status}.` : '';
    const posted = await this.discord.sendMessage(progress.threadId!, {
      content: `Welcome ${mentions || 'everyone'}! This thread is for ${subject}.${status}`,
      nonce: discordNonce(`welcome:${progress.entityType}:${progress.entityId}`),
      mentionUsers: progress.membersAdded,
    });
    return posted.id;
  }

  /**
   * An invite to the parent channel for members not yet in the server; its failure is reported, not
   * fatal. An invite code is a secret (anyone with it joins), so it is a fresh one (`unique`, never
   * an existing invite of the channel), expires (DISCORD_THREAD_INVITE_MAX_AGE_SECONDS), and has one
   * use per member who could not be added to the thread (at least one), never unlimited; it is
   * never logged.
   */
  private async invite(progress: ThreadCreation): Promise<{ inviteCode: string } | { inviteError: string }> {
    const maxUses = Math.min(MAX_INVITE_USES, Math.max(1, Object.keys(memberFailures(progress)).length));
    try {
      const invite = await this.discord.createInvite(progress.channelId, {
        maxAgeSeconds: this.options.inviteMaxAgeSeconds,
        maxUses,
        unique: true,
      });
      return { inviteCode: invite.code };
    } catch (error) {
      if (!(error instanceof DiscordPermanentError)) throw error;
      return { inviteError: error.message };
    }
  }
}

/** Deterministic, so a thread created by a lost delivery can be recognised. */
function threadName({ payload, metadata }: CreateThreadMessage): string {
  const label = metadata.entity_type === 'order' ? `Order ${payload.order.title ?? ''}`.trim() : 'Offer';
  const suffix = ` · ${metadata.order_id.slice(0, 8)}`;
  return `${label.slice(0, MAX_THREAD_NAME - suffix.length)}${suffix}`;
}

/** Members Discord refused, by Discord id (a JSON column this handler alone writes). */
function memberFailures(progress: ThreadCreation): Record<string, MemberFailure> {
  return progress.memberFailures as unknown as Record<string, MemberFailure>;
}
