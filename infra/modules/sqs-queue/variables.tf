variable "name" {
  description = "Base queue name. The DLQ is named \"<name>-dlq\". When fifo = true, \".fifo\" is appended to both names (do not include it here)."
  type        = string

  validation {
    # 80 chars is the SQS limit; leave room for the "-dlq" and ".fifo" suffixes.
    condition     = can(regex("^[A-Za-z0-9_-]{1,71}$", var.name))
    error_message = "name must be 1-71 characters of A-Z, a-z, 0-9, '-' or '_' (without a .fifo suffix)."
  }
}

variable "fifo" {
  description = "Create FIFO queues (appends .fifo to the queue and DLQ names)."
  type        = bool
  default     = false
}

variable "content_based_deduplication" {
  description = "Enable content-based deduplication. Only valid when fifo = true."
  type        = bool
  default     = false
}

variable "deduplication_scope" {
  description = "FIFO only: \"messageGroup\" or \"queue\". null keeps the SQS default (queue). Set \"messageGroup\" with fifo_throughput_limit = \"perMessageGroupId\" for high-throughput FIFO. Applied to the queue and its DLQ."
  type        = string
  default     = null

  validation {
    condition     = var.deduplication_scope == null || contains(["messageGroup", "queue"], coalesce(var.deduplication_scope, "queue"))
    error_message = "deduplication_scope must be null, \"messageGroup\" or \"queue\"."
  }
}

variable "fifo_throughput_limit" {
  description = "FIFO only: \"perMessageGroupId\" or \"perQueue\". null keeps the SQS default (perQueue). \"perMessageGroupId\" requires deduplication_scope = \"messageGroup\". Applied to the queue and its DLQ."
  type        = string
  default     = null

  validation {
    condition     = var.fifo_throughput_limit == null || contains(["perMessageGroupId", "perQueue"], coalesce(var.fifo_throughput_limit, "perQueue"))
    error_message = "fifo_throughput_limit must be null, \"perMessageGroupId\" or \"perQueue\"."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the main queue (and the DLQ), in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 0 and 43200."
  }
}

variable "message_retention_seconds" {
  description = "Message retention of the main queue, in seconds (default 4 days)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Message retention of the DLQ, in seconds (default 14 days, the maximum). Keep it longer than the main queue's: a standard queue keeps the original enqueue timestamp when a message is dead-lettered."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait time of the main queue, in seconds."
  type        = number
  default     = 5

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20
    error_message = "receive_wait_time_seconds must be between 0 and 20."
  }
}

variable "max_receive_count" {
  description = "Receives after which SQS moves a message to the DLQ."
  type        = number
  default     = 3

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "kms_master_key_id" {
  description = "KMS key (ID, ARN, alias name or alias ARN) for SSE-KMS on both queues. null uses SQS-managed SSE (SSE-SQS)."
  type        = string
  default     = null
}

variable "create_iam_policies" {
  description = "Create the per-queue consumer and producer IAM policies. Set false when the caller builds its own policies (e.g. one policy per application spanning several queues) from the queue/DLQ ARN outputs."
  type        = bool
  default     = true
}

variable "queue_policy_documents" {
  description = "Extra IAM policy documents (JSON, e.g. from aws_iam_policy_document) merged into the main queue's access policy next to the DenyInsecureTransport statement. A queue has one policy: never attach another aws_sqs_queue_policy to it. Their statement sids must be unique."
  type        = list(string)
  default     = []
}

variable "alarm_actions" {
  description = "ARNs (e.g. SNS topics) notified when the DLQ depth or oldest-message-age alarm changes to ALARM or back to OK."
  type        = list(string)
  default     = []
}

variable "dlq_alarm_threshold" {
  description = "The DLQ alarm fires when ApproximateNumberOfMessagesVisible on the DLQ is greater than this value."
  type        = number
  default     = 0

  validation {
    condition     = var.dlq_alarm_threshold >= 0
    error_message = "dlq_alarm_threshold must be >= 0."
  }
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "The main queue's alarm fires when ApproximateAgeOfOldestMessage is greater than this many seconds (the consumer is down, stuck or falling behind). Every queue has it; pick the value from how long a message may legitimately wait (retries, backoff) and keep it below message_retention_seconds."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.oldest_message_age_alarm_threshold_seconds > 0
    error_message = "oldest_message_age_alarm_threshold_seconds must be greater than 0."
  }
}

variable "tags" {
  description = "Tags applied to every resource created by the module."
  type        = map(string)
  default     = {}
}
