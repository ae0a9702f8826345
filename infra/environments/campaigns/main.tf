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

# Campaign tasks (spec: campaign-channel-worker.md): the channels of a new
# campaign and its progress updates, produced by the API and consumed by the
# worker's `campaign` consumer.
module "campaign_queue" {
  source = "../../modules/sqs-queue"

  # -> "<name>.fifo" and "<name>-dlq.fifo"
  name = "${var.project}-campaign-tasks-${var.environment}"
  fifo = true

  # As on the bot-operations queue: the producer sets an explicit
  # MessageDeduplicationId on every message, and deduplication and the
  # throughput quota are per message group (high-throughput FIFO).
  content_based_deduplication = false
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"

  # The spec's visibility timeout.
  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20

  # The spec keeps tasks 1 hour; see message_retention_seconds for why this
  # queue keeps them longer.
  message_retention_seconds = var.message_retention_seconds

  # Like bot-operations: the worker dead-letters a task itself, with the reason,
  # once it has used its attempts; the redrive policy is the crash-loop
  # backstop, and FIFO head-of-line releases count as receives too.
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

resource "aws_iam_role_policy_attachment" "producer" {
  count = var.producer_role_name != null ? 1 : 0

  role       = var.producer_role_name
  policy_arn = module.campaign_queue.producer_policy_arn
}
