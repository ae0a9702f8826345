// class-transformer's @Type reads design metadata when these classes are declared.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSnowflake } from './discord-ids';
import type { OutboxQueueContract } from './queue-contract';
import { QueueName } from './queues.table';

/**
 * Tasks on CAMPAIGN_QUEUE_URL (FIFO, API → campaign worker), spec: campaign-channel-worker.md.
 * The spec's `task_type` names and fields are kept (snake_case on the wire) with three
 * differences: no `interaction_token` (it stays in Postgres), every task names its
 * `campaign_id` and `guild_id`, and role and category are queued steps of their own
 * (`create_role`, `create_category`), as are rollbacks. The database, not the message, is the
 * source of truth for ids and progress: the ids a task carries are what the producer knew.
 */
export enum CampaignTaskType {
  CREATE_ROLE = 'create_role',
  CREATE_CATEGORY = 'create_category',
  CREATE_CHANNEL = 'create_channel',
  COMPLETE = 'complete',
  ROLLBACK = 'rollback',
}

/** Discord's channel types a campaign template may use (text, voice, announcement, forum). */
export const CAMPAIGN_CHANNEL_TYPES = [0, 2, 5, 15] as const;
export type CampaignChannelType = (typeof CAMPAIGN_CHANNEL_TYPES)[number];

/** The names the spec's `created_channels` uses for them. */
export const CAMPAIGN_CHANNEL_TYPE_NAMES: Record<CampaignChannelType, string> = {
  0: 'Text',
  2: 'Voice',
  5: 'Announcement',
  15: 'Forum',
};

/** Discord allows 50 channels in a category; a campaign's channels all go into its own. */
export const MAX_CAMPAIGN_CHANNELS = 50;
/** Discord's limit on role, channel and category names. */
export const MAX_DISCORD_NAME_LENGTH = 100;
/** Discord's limit on a channel topic (forums allow more; 1024 keeps every type valid). */
export const MAX_CHANNEL_TOPIC_LENGTH = 1024;

abstract class CampaignTaskMessage {
  abstract task_type: CampaignTaskType;
  @IsUUID() campaign_id!: string;
  @IsSnowflake() application_id!: string;
  @IsSnowflake() guild_id!: string;
  @IsString() @Length(1, MAX_DISCORD_NAME_LENGTH) campaign_name!: string;
}

/** The spec's `channel_config`. */
export class ChannelConfig {
  @IsString() @Length(1, MAX_DISCORD_NAME_LENGTH) name!: string;
  @IsIn(CAMPAIGN_CHANNEL_TYPES, {
    message: `type must be one of ${CAMPAIGN_CHANNEL_TYPES.join(', ')} (text, voice, announcement, forum)`,
  })
  type!: CampaignChannelType;
  @IsBoolean() gm_only!: boolean;
  @IsString() @Length(0, MAX_CHANNEL_TOPIC_LENGTH) description!: string;
}

/** One entry of the spec's `created_channels`. */
export class CreatedChannel {
  @IsString() @Length(1, MAX_DISCORD_NAME_LENGTH) name!: string;
  @IsIn(Object.values(CAMPAIGN_CHANNEL_TYPE_NAMES)) type!: string;
  @IsBoolean() gm_only!: boolean;
}

/** First step (this project's, not the spec's): check the guild has room, create the role, give it to the invoker. */
export class CreateRoleTask extends CampaignTaskMessage {
  @Equals(CampaignTaskType.CREATE_ROLE) task_type!: CampaignTaskType.CREATE_ROLE;
  @IsString() @Length(1, MAX_DISCORD_NAME_LENGTH) role_name!: string;
}

/** The campaign's private category (this project's step, not the spec's). */
export class CreateCategoryTask extends CampaignTaskMessage {
  @Equals(CampaignTaskType.CREATE_CATEGORY) task_type!: CampaignTaskType.CREATE_CATEGORY;
  @IsSnowflake() campaign_role_id!: string;
}

/** The spec's channel creation task; `current` (1-based) names the channel within the campaign. */
export class CreateChannelTask extends CampaignTaskMessage {
  @Equals(CampaignTaskType.CREATE_CHANNEL) task_type!: CampaignTaskType.CREATE_CHANNEL;
  @ValidateNested() @Type(() => ChannelConfig) channel_config!: ChannelConfig;
  @IsSnowflake() category_id!: string;
  @IsSnowflake() campaign_role_id!: string;
  @IsInt() @Min(1) @Max(MAX_CAMPAIGN_CHANNELS) current!: number;
  @IsInt() @Min(1) @Max(MAX_CAMPAIGN_CHANNELS) total!: number;
}

/** The spec's completion task: the summary is posted once every channel is done or failed. */
export class CompleteTask extends CampaignTaskMessage {
  @Equals(CampaignTaskType.COMPLETE) task_type!: CampaignTaskType.COMPLETE;
  @IsString() @Length(1, MAX_DISCORD_NAME_LENGTH) role_name!: string;
  /** The channels the campaign creates (the spec's name; the summary itself is rendered from the database). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CAMPAIGN_CHANNELS)
  @ValidateNested({ each: true })
  @Type(() => CreatedChannel)
  created_channels!: CreatedChannel[];
}

/** Deletes what the campaign recorded, in reverse order (this project's addition: the spec's "future enhancement"). */
export class RollbackTask extends CampaignTaskMessage {
  @Equals(CampaignTaskType.ROLLBACK) task_type!: CampaignTaskType.ROLLBACK;
}

export type CampaignTask = CreateRoleTask | CreateCategoryTask | CreateChannelTask | CompleteTask | RollbackTask;
export type CampaignTaskOf<T extends CampaignTaskType> = Extract<CampaignTask, { task_type: T }>;

/** The class that validates each task type: decoding is exhaustive by construction. */
export const CAMPAIGN_TASK_CLASSES = {
  [CampaignTaskType.CREATE_ROLE]: CreateRoleTask,
  [CampaignTaskType.CREATE_CATEGORY]: CreateCategoryTask,
  [CampaignTaskType.CREATE_CHANNEL]: CreateChannelTask,
  [CampaignTaskType.COMPLETE]: CompleteTask,
  [CampaignTaskType.ROLLBACK]: RollbackTask,
} as const;

/** CAMPAIGN_QUEUE_URL: one campaign's tasks leave the outbox in the order they were staged. */
export const CAMPAIGN_QUEUE: OutboxQueueContract<CampaignTask> = {
  queue: QueueName.CAMPAIGN,
  discriminator: 'task_type',
  classes: CAMPAIGN_TASK_CLASSES,
  what: 'campaign task type',
  orderingKey: (task) => `${QueueName.CAMPAIGN}:${task.campaign_id}`,
};
