terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Configure a remote backend (e.g. S3 + DynamoDB lock) per account before use:
  # backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

# Campaign channels (spec: campaign-channel-worker.md): the steps of
# /add-campaign (role, category, each channel, completion) and rollbacks,
# queued by the API (Discord's interactions endpoint) and run by the campaign
# worker. FIFO with the guild as message group: Discord limits channel
# creation per guild, so one guild's steps run in order and guilds in parallel.
module "campaign_queue" {
  source = "../../modules/sqs-queue"

  # -> "<name>.fifo" and "<name>-dlq.fifo"
  name = "${var.project}-campaign-${var.environment}"
  fifo = true

  # Every task carries an explicit MessageDeduplicationId (campaign, round, step).
  content_based_deduplication = false

  # Deduplication and throughput per message group (guild).
  deduplication_scope   = "messageGroup"
  fifo_throughput_limit = "perMessageGroupId"

  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20

  # The spec keeps tasks for an hour; a task that expires unprocessed would
  # leave its campaign running for ever, so a day by default.
  message_retention_seconds = var.message_retention_seconds

  # Well above the worker's own limit (CAMPAIGN_MAX_ATTEMPTS, default 5): the
  # worker dead-letters a task itself, with the reason, once it has used its
  # attempts, and fails the campaign so the user sees why. Rate-limit waits
  # and FIFO hand-backs count as receives here but not as attempts.
  max_receive_count = var.max_receive_count

  kms_master_key_id = var.kms_master_key_id
  alarm_actions     = var.alarm_actions

  oldest_message_age_alarm_threshold_seconds = var.oldest_message_age_alarm_threshold_seconds

  tags = merge(var.tags, { Service = "campaigns" })
}

resource "aws_iam_role_policy_attachment" "consumer" {
  count = var.consumer_role_name != null ? 1 : 0

  role       = var.consumer_role_name
  policy_arn = module.campaign_queue.consumer_policy_arn
}

# The API queues a campaign's first step, retries and rollbacks; the worker
# queues each step's follow-ups: both are producers.
resource "aws_iam_role_policy_attachment" "producer" {
  for_each = toset(var.producer_role_names)

  role       = each.value
  policy_arn = module.campaign_queue.producer_policy_arn
}
