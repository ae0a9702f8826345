import { Injectable } from '@nestjs/common';
import { CAMPAIGN_QUEUE, CampaignTask, CampaignTaskType, QueueName } from '@discord-backbone/contracts';
import {
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordUnknownResourceError,
} from '@discord-backbone/discord';
import {
  DeadLetterFailure,
  decodeByType,
  dispatchByType,
  EffectContext,
  EffectRoute,
  HandlersByType,
  idFromBody,
} from '@discord-backbone/queue';
import { stepPositionOf } from '../campaign-tasks';
import { CampaignStore } from './campaign.store';
import { CompleteHandler } from './complete.handler';
import { CreateCategoryHandler } from './create-category.handler';
import { CreateChannelHandler } from './create-channel.handler';
import { CreateRoleHandler } from './create-role.handler';
import { ProgressReporter } from './progress.reporter';
import { RollbackHandler } from './rollback.handler';

/**
 * Campaign tasks: decoded by `task_type`, one handler each; the pipeline (processEffects) does the
 * rest. One guild's tasks run in order (its FIFO message group). Errors keep the classifier's
 * meaning: a 429 waits out Discord's retry-after (not an attempt, and the progress message says
 * so), 5xx and network errors back off, a refusal (missing permission, unknown guild) or retries
 * used up fail the campaign — reason in its progress message, Retry and Roll back offered — and
 * the task goes to the DLQ with the reason.
 */
@Injectable()
export class CampaignTaskRoute implements EffectRoute<CampaignTask> {
  readonly consumer = QueueName.CAMPAIGN;
  // Exhaustive by type: a task type without a handler does not compile.
  private readonly handlers: HandlersByType<CampaignTask, 'task_type', [], Promise<void>>;

  constructor(
    role: CreateRoleHandler,
    category: CreateCategoryHandler,
    channel: CreateChannelHandler,
    complete: CompleteHandler,
    rollback: RollbackHandler,
    private readonly store: CampaignStore,
    private readonly progress: ProgressReporter,
  ) {
    this.handlers = {
      [CampaignTaskType.CREATE_ROLE]: (task) => role.handle(task),
      [CampaignTaskType.CREATE_CATEGORY]: (task) => category.handle(task),
      [CampaignTaskType.CREATE_CHANNEL]: (task) => channel.handle(task),
      [CampaignTaskType.COMPLETE]: (task) => complete.handle(task),
      [CampaignTaskType.ROLLBACK]: (task) => rollback.handle(task),
    };
  }

  decode(body: unknown): CampaignTask {
    return decodeByType(body, CAMPAIGN_QUEUE);
  }

  typeOf(task: CampaignTask): string {
    return task.task_type;
  }

  /** Discord limits channel creation per guild: one guild's tasks in order (FIFO group), guilds in parallel. */
  orderingKey(task: CampaignTask): string {
    return task.guild_id;
  }

  async handle(task: CampaignTask): Promise<void> {
    try {
      await dispatchByType(this.handlers, 'task_type', task);
    } catch (error) {
      if (error instanceof DiscordRateLimitedError) {
        await this.store.rateLimited(task.campaign_id, error.retryAfterSeconds);
        this.progress.request(task.campaign_id);
      }
      throw error;
    }
  }

  /** The campaign fails with the reason (the user sees it, with Retry and Roll back); throwing keeps the task on the queue. */
  async onDeadLetter(
    task: CampaignTask | undefined,
    failure: DeadLetterFailure,
    { message }: EffectContext,
  ): Promise<void> {
    const campaignId = task?.campaign_id ?? idFromBody(message.Body, 'campaign_id');
    if (!campaignId) return; // nothing to tell anyone: the DLQ entry says why
    const reason = `${task?.task_type === CampaignTaskType.ROLLBACK ? 'Roll back stopped. ' : ''}${explain(failure)}`;
    await this.store.fail(campaignId, reason, task && stepPositionOf(task));
    const campaign = await this.store.require(campaignId).catch(() => undefined);
    // Shown now if Discord lets us; otherwise in the background, without holding up the dead-lettering.
    if (campaign) await this.progress.settle(campaign).catch(() => this.progress.request(campaignId));
  }
}

/** What the user reads: the likely cause in words, then Discord's answer. */
function explain(failure: DeadLetterFailure): string {
  const { error, errorClass, message } = failure;
  if (error instanceof DiscordMissingPermissionsError) {
    return `The bot lacks a permission it needs (Manage Roles, Manage Channels, View Channels, Send Messages, Read Message History, Connect, Speak): ${message}`;
  }
  if (error instanceof DiscordUnknownResourceError)
    return `Discord does not know the server, or a channel or role of the campaign: ${message}`;
  if (errorClass.startsWith('RetriesExhausted:'))
    return `Discord kept failing, so the worker gave up for now: ${message}`;
  return `${errorClass}: ${message}`;
}
