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

# Bot operations (spec: bot-operation-queue.md): invite / remove / verify
# permissions, produced by the API and consumed by the bot-operations worker.
module "bot_operations_queue" {
  source = "../../modules/sqs-queue"

  # -> "<name>.fifo" and "<name>-dlq.fifo"
  name = "${var.project}-bot-operations-${var.environment}"
  fifo = true

  # The producer sets an explicit MessageDeduplicationId on every message (and
  # the worker uses the original MessageId when it dead-letters one).
  content_based_deduplication = false

  # High-throughput FIFO: deduplication and the throughput quota are per
  # message group rather than per queue.
  deduplication_scope   = "messageGroup"
  fifo_throughput_limit = "perMessageGroupId"

  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20

  # Deliberately well above the worker's own limit (BOT_OPERATIONS_MAX_ATTEMPTS,
  # default 8): the worker dead-letters a message itself, with the failure reason
  # attached, once it has used its attempts. SQS's redrive is only a backstop for
  # messages the worker never gets to finish (crashes, lost visibility). On a
  # FIFO queue, messages released behind a failed one in the same message group
  # (head-of-line releases) are received again without being attempted, and
  # every such receive counts here; a low value would dead-letter them silently
  # and without a reason.
  max_receive_count = var.max_receive_count

  kms_master_key_id = var.kms_master_key_id
  alarm_actions     = var.alarm_actions

  oldest_message_age_alarm_threshold_seconds = var.oldest_message_age_alarm_threshold_seconds

  tags = merge(var.tags, { Service = "bot-operations" })
}

resource "aws_iam_role_policy_attachment" "consumer" {
  count = var.consumer_role_name != null ? 1 : 0

  role       = var.consumer_role_name
  policy_arn = module.bot_operations_queue.consumer_policy_arn
}

resource "aws_iam_role_policy_attachment" "producer" {
  count = var.producer_role_name != null ? 1 : 0

  role       = var.producer_role_name
  policy_arn = module.bot_operations_queue.producer_policy_arn
}
