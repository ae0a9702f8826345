locals {
  suffix     = var.fifo ? ".fifo" : ""
  queue_name = "${var.name}${local.suffix}"
  dlq_name   = "${var.name}-dlq${local.suffix}"

  use_kms = var.kms_master_key_id != null

  # Only meaningful for FIFO queues; leave unset on standard queues.
  content_based_deduplication = var.fifo ? var.content_based_deduplication : null
  deduplication_scope         = var.fifo ? var.deduplication_scope : null
  fifo_throughput_limit       = var.fifo ? var.fifo_throughput_limit : null

  # The actions a role gets on any queue it uses, here and in callers that write
  # their own policies (outputs send_actions / consume_actions). Every set holds
  # sqs:GetQueueAttributes: the apps' /health/ready calls it on each queue they
  # are configured with, and a consumer reads its queue's RedrivePolicy with it.
  send_actions = [
    "sqs:SendMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
  ]
  consume_actions = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
  ]
}

# Resolves an alias / key ID to the key ARN, which IAM policies need as Resource.
data "aws_kms_key" "this" {
  count  = local.use_kms ? 1 : 0
  key_id = var.kms_master_key_id
}

# ---------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                        = local.dlq_name
  fifo_queue                  = var.fifo
  content_based_deduplication = local.content_based_deduplication
  deduplication_scope         = local.deduplication_scope
  fifo_throughput_limit       = local.fifo_throughput_limit

  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.dlq_message_retention_seconds

  # Exactly one encryption mode: SSE-KMS when a key is given, SSE-SQS otherwise.
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.use_kms ? 300 : null
  sqs_managed_sse_enabled           = local.use_kms ? null : true

  tags = var.tags
}

resource "aws_sqs_queue" "main" {
  name                        = local.queue_name
  fifo_queue                  = var.fifo
  content_based_deduplication = local.content_based_deduplication
  deduplication_scope         = local.deduplication_scope
  fifo_throughput_limit       = local.fifo_throughput_limit

  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.use_kms ? 300 : null
  sqs_managed_sse_enabled           = local.use_kms ? null : true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.fifo || !var.content_based_deduplication
      error_message = "content_based_deduplication can only be enabled when fifo = true."
    }
    precondition {
      condition     = var.fifo || (var.deduplication_scope == null && var.fifo_throughput_limit == null)
      error_message = "deduplication_scope and fifo_throughput_limit can only be set when fifo = true."
    }
    # SQS rejects a per-message-group throughput limit with queue-wide deduplication.
    precondition {
      condition     = var.fifo_throughput_limit != "perMessageGroupId" || var.deduplication_scope == "messageGroup"
      error_message = "fifo_throughput_limit = \"perMessageGroupId\" requires deduplication_scope = \"messageGroup\" (high-throughput FIFO)."
    }
  }
}

# Only the main queue may use the DLQ as its dead-letter target.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.main.arn]
  })
}

# ---------------------------------------------------------------------------
# Queue policies (resource-based)
# ---------------------------------------------------------------------------

# A queue has one access policy (its Policy attribute): a second
# aws_sqs_queue_policy on the same queue would replace this one, so callers add
# statements through queue_policy_documents instead. The redrive-allow policy
# above is a different attribute (RedriveAllowPolicy) and is not affected.

# Refuse plain-HTTP requests, whoever makes them and whatever IAM allows.
data "aws_iam_policy_document" "queue" {
  source_policy_documents = var.queue_policy_documents

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.main.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dlq.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "main" {
  queue_url = aws_sqs_queue.main.id
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

# ---------------------------------------------------------------------------
# IAM policies
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "consumer" {
  count = var.create_iam_policies ? 1 : 0

  statement {
    sid       = "ConsumeMainQueue"
    effect    = "Allow"
    actions   = local.consume_actions
    resources = [aws_sqs_queue.main.arn]
  }

  # The consumer dead-letters permanent failures itself (with the failure
  # reason attached), so it must be able to send to the DLQ.
  statement {
    sid       = "DeadLetterPermanentFailures"
    effect    = "Allow"
    actions   = local.send_actions
    resources = [aws_sqs_queue.dlq.arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [1] : []
    content {
      sid       = "UseQueueKmsKey"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [data.aws_kms_key.this[0].arn]
    }
  }
}

data "aws_iam_policy_document" "producer" {
  count = var.create_iam_policies ? 1 : 0

  statement {
    sid       = "ProduceToMainQueue"
    effect    = "Allow"
    actions   = local.send_actions
    resources = [aws_sqs_queue.main.arn]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [1] : []
    content {
      sid       = "UseQueueKmsKey"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [data.aws_kms_key.this[0].arn]
    }
  }
}

resource "aws_iam_policy" "consumer" {
  count = var.create_iam_policies ? 1 : 0

  name        = "${var.name}-sqs-consumer"
  description = "Consume ${local.queue_name} and dead-letter to ${local.dlq_name}"
  policy      = data.aws_iam_policy_document.consumer[0].json
  tags        = var.tags
}

resource "aws_iam_policy" "producer" {
  count = var.create_iam_policies ? 1 : 0

  name        = "${var.name}-sqs-producer"
  description = "Send messages to ${local.queue_name}"
  policy      = data.aws_iam_policy_document.producer[0].json
  tags        = var.tags
}

# The policies were unconditional before create_iam_policies existed: keep
# existing state in place instead of destroying and recreating them.
moved {
  from = aws_iam_policy.consumer
  to   = aws_iam_policy.consumer[0]
}

moved {
  from = aws_iam_policy.producer
  to   = aws_iam_policy.producer[0]
}

# ---------------------------------------------------------------------------
# Alarms: DLQ depth and the main queue's oldest message, on every queue
# ---------------------------------------------------------------------------
#
# Both are named "<queue name>-<what>", notify alarm_actions on ALARM and on OK,
# and treat missing data as not breaching: SQS publishes metrics for every
# queue that holds messages or is called, and stops only for queues that are
# empty and idle, which is the healthy state for both alarms.

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name        = "${local.dlq_name}-depth"
  alarm_description = "Messages visible in ${local.dlq_name} > ${var.dlq_alarm_threshold}: ${local.queue_name} has failed messages to inspect/redrive."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = aws_sqs_queue.dlq.name
  }

  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.dlq_alarm_threshold
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}

# A message that stays on the main queue this long means the consumer is down,
# stuck or far behind (poison messages are moved to the DLQ and do not count).
resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  alarm_name        = "${local.queue_name}-oldest-message-age"
  alarm_description = "Oldest message in ${local.queue_name} is older than ${var.oldest_message_age_alarm_threshold_seconds} s: its consumer is down, stuck or falling behind."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateAgeOfOldestMessage"
  dimensions = {
    QueueName = aws_sqs_queue.main.name
  }

  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_age_alarm_threshold_seconds
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags

  lifecycle {
    # SQS deletes a message when its retention ends, without dead-lettering it:
    # an alarm that fires only after that would never see the backlog.
    precondition {
      condition     = var.oldest_message_age_alarm_threshold_seconds < var.message_retention_seconds
      error_message = "oldest_message_age_alarm_threshold_seconds must be lower than message_retention_seconds, or messages expire before the alarm fires."
    }
  }
}

# The age alarm was optional (count) before it was required on every queue.
moved {
  from = aws_cloudwatch_metric_alarm.oldest_message_age[0]
  to   = aws_cloudwatch_metric_alarm.oldest_message_age
}
