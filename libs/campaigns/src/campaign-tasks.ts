import {
  CAMPAIGN_CHANNEL_TYPE_NAMES,
  CampaignChannelType,
  CampaignTask,
  CampaignTaskType,
  CompleteTask,
  CreateChannelTask,
  RollbackTask,
} from '@discord-backbone/contracts';
import {
  CampaignState,
  CATEGORY_POSITION,
  channelSteps,
  FIRST_CHANNEL_POSITION,
  isCreated,
  ROLE_POSITION,
  stepAt,
} from './campaign.state';

/** A task with its FIFO coordinates. */
export interface QueuedCampaignTask {
  task: CampaignTask;
  /** The guild: Discord's channel-creation limits are per guild, so one guild's steps go one at a time. */
  messageGroupId: string;
  /** Campaign, round and step: a re-sent step within SQS's 5-minute window is dropped; a retry (new round) is not. */
  deduplicationId: string;
}

/**
 * The tasks that take a campaign forward from where the database says it stands: the role first,
 * then the category, then every channel not yet created and the completion. Each step queues
 * the next ones once it is done (a handler publishes its own follow-up), and Retry queues these
 * again, so the same rule serves both.
 */
export function nextTasks(campaign: CampaignState): QueuedCampaignTask[] {
  const role = stepAt(campaign, ROLE_POSITION);
  const category = stepAt(campaign, CATEGORY_POSITION);
  const base = {
    campaign_id: campaign.id,
    application_id: campaign.applicationId,
    guild_id: campaign.guildId,
    campaign_name: campaign.name,
  };
  if (!isCreated(role))
    return [queued(campaign, { ...base, task_type: CampaignTaskType.CREATE_ROLE, role_name: role.name })];
  if (!isCreated(category))
    return [
      queued(campaign, { ...base, task_type: CampaignTaskType.CREATE_CATEGORY, campaign_role_id: role.discordId }),
    ];
  const channels = channelSteps(campaign);
  const creates = channels
    .filter((step) => !isCreated(step))
    .map((step): CreateChannelTask => ({
      ...base,
      task_type: CampaignTaskType.CREATE_CHANNEL,
      channel_config: {
        name: step.name,
        type: step.channelType as CampaignChannelType,
        gm_only: step.gmOnly,
        description: step.description,
      },
      category_id: category.discordId,
      campaign_role_id: role.discordId,
      current: step.position - FIRST_CHANNEL_POSITION + 1,
      total: channels.length,
    }));
  const complete: CompleteTask = {
    ...base,
    task_type: CampaignTaskType.COMPLETE,
    role_name: role.name,
    created_channels: channels.map((step) => ({
      name: step.name,
      type: CAMPAIGN_CHANNEL_TYPE_NAMES[step.channelType as CampaignChannelType],
      gm_only: step.gmOnly,
    })),
  };
  return [...creates, complete].map((task) => queued(campaign, task));
}

export function rollbackTask(campaign: CampaignState): QueuedCampaignTask {
  const task: RollbackTask = {
    task_type: CampaignTaskType.ROLLBACK,
    campaign_id: campaign.id,
    application_id: campaign.applicationId,
    guild_id: campaign.guildId,
    campaign_name: campaign.name,
  };
  return queued(campaign, task);
}

/** The step a task does, for its deduplication id and the step a failure is recorded on. */
export function stepPositionOf(task: CampaignTask): number | undefined {
  switch (task.task_type) {
    case CampaignTaskType.CREATE_ROLE:
      return ROLE_POSITION;
    case CampaignTaskType.CREATE_CATEGORY:
      return CATEGORY_POSITION;
    case CampaignTaskType.CREATE_CHANNEL:
      return task.current - 1 + FIRST_CHANNEL_POSITION;
    default:
      return undefined;
  }
}

/**
 * The task with its FIFO coordinates. The outbox (API) and QueueSender (worker) validate it against the
 * class the worker decodes with as they queue it: a bug here fails the step that made it, not the queue.
 */
function queued(campaign: CampaignState, task: CampaignTask): QueuedCampaignTask {
  const step = task.task_type === CampaignTaskType.CREATE_CHANNEL ? `channel-${task.current}` : task.task_type;
  return { task, messageGroupId: campaign.guildId, deduplicationId: `${campaign.id}:${campaign.round}:${step}` };
}
