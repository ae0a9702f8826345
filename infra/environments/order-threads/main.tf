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

# Order / offer-session threads (spec: thread-queue-handoff.md).
#
#   backend (API) --discord-queue--> Discord bot --backend-queue--> backend (API)
#
# Both are standard queues. Each consumer dead-letters permanent failures
# itself (with the reason attached) and SQS redrives after 3 receives.

module "discord_queue" {
  source = "../../modules/sqs-queue"

  name = "${var.project}-discord-queue-${var.environment}"

  # The bot long-polls (20 s) and processes batches of up to 10 messages.
  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20
  # The worker dead-letters after 3 failed attempts ("after 3 retries", DISCORD_QUEUE_MAX_ATTEMPTS)
  # with the reason attached; rate-limit waits and shutdown hand-backs are receives too, so the
  # redrive policy is only the crash-loop safety net. Keep DISCORD_QUEUE_MAX_RECEIVE_COUNT equal.
  max_receive_count = 20

  kms_master_key_id = var.kms_master_key_id
  alarm_actions     = var.alarm_actions

  oldest_message_age_alarm_threshold_seconds = var.discord_queue_oldest_message_age_alarm_threshold_seconds

  # Each application gets one combined policy below instead of the module's
  # per-queue consumer/producer policies.
  create_iam_policies = false

  tags = merge(var.tags, { Service = "order-threads", Queue = "discord-queue" })
}

module "backend_queue" {
  source = "../../modules/sqs-queue"

  name = "${var.project}-backend-queue-${var.environment}"

  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 20
  max_receive_count          = 3

  kms_master_key_id = var.kms_master_key_id
  alarm_actions     = var.alarm_actions

  oldest_message_age_alarm_threshold_seconds = var.backend_queue_oldest_message_age_alarm_threshold_seconds

  # Each application gets one combined policy below instead of the module's
  # per-queue consumer/producer policies.
  create_iam_policies = false

  tags = merge(var.tags, { Service = "order-threads", Queue = "backend-queue" })
}

# ---------------------------------------------------------------------------
# IAM: one policy per application. Each combines "produce to one queue" and
# "consume the other queue (and dead-letter to its DLQ)", so each role needs a
# single attachment. The actions come from the module (send_actions,
# consume_actions), so they match the module's own producer/consumer policies.
# ---------------------------------------------------------------------------

locals {
  use_kms = var.kms_master_key_id != null
}

# Resolves an alias / key ID to the key ARN, which IAM policies need as Resource.
data "aws_kms_key" "queues" {
  count  = local.use_kms ? 1 : 0
  key_id = var.kms_master_key_id
}

data "aws_iam_policy_document" "backend" {
  # The API's /health/ready reads this queue's attributes, hence the module's
  # send actions (with sqs:GetQueueAttributes), not SendMessage alone.
  statement {
    sid       = "SendToDiscordQueue"
    effect    = "Allow"
    actions   = module.discord_queue.send_actions
    resources = [module.discord_queue.queue_arn]
  }

  statement {
    sid       = "ConsumeBackendQueue"
    effect    = "Allow"
    actions   = module.backend_queue.consume_actions
    resources = [module.backend_queue.queue_arn]
  }

  # The backend's consumer dead-letters permanent failures itself (with the
  # reason attached). Without an explicit DLQ URL it finds the DLQ through the
  # queue's RedrivePolicy and then calls GetQueueUrl on it.
  statement {
    sid       = "DeadLetterBackendQueue"
    effect    = "Allow"
    actions   = module.backend_queue.send_actions
    resources = [module.backend_queue.dlq_arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [1] : []
    content {
      sid       = "UseQueueKmsKey"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [data.aws_kms_key.queues[0].arn]
    }
  }
}

data "aws_iam_policy_document" "discord_bot" {
  statement {
    sid       = "ConsumeDiscordQueue"
    effect    = "Allow"
    actions   = module.discord_queue.consume_actions
    resources = [module.discord_queue.queue_arn]
  }

  # Invalid messages are dead-lettered by the bot after 3 tries.
  statement {
    sid       = "DeadLetterDiscordQueue"
    effect    = "Allow"
    actions   = module.discord_queue.send_actions
    resources = [module.discord_queue.dlq_arn]
  }

  statement {
    sid       = "SendToBackendQueue"
    effect    = "Allow"
    actions   = module.backend_queue.send_actions
    resources = [module.backend_queue.queue_arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [1] : []
    content {
      sid       = "UseQueueKmsKey"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [data.aws_kms_key.queues[0].arn]
    }
  }
}

resource "aws_iam_policy" "backend" {
  name        = "${var.project}-order-threads-${var.environment}-backend-sqs"
  description = "Backend (API): send to ${module.discord_queue.queue_name}, consume ${module.backend_queue.queue_name} and dead-letter to ${module.backend_queue.dlq_name}"
  policy      = data.aws_iam_policy_document.backend.json
  tags        = var.tags
}

resource "aws_iam_policy" "discord_bot" {
  name        = "${var.project}-order-threads-${var.environment}-discord-bot-sqs"
  description = "Discord bot (worker): consume ${module.discord_queue.queue_name}, dead-letter to ${module.discord_queue.dlq_name}, send to ${module.backend_queue.queue_name}"
  policy      = data.aws_iam_policy_document.discord_bot.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "backend" {
  count = var.backend_role_name != null ? 1 : 0

  role       = var.backend_role_name
  policy_arn = aws_iam_policy.backend.arn
}

resource "aws_iam_role_policy_attachment" "discord_bot" {
  count = var.discord_bot_role_name != null ? 1 : 0

  role       = var.discord_bot_role_name
  policy_arn = aws_iam_policy.discord_bot.arn
}
