variable "project" {
  description = "Project name, used as the queue name prefix."
  type        = string
  default     = "marketplace"
}

variable "environment" {
  description = "Deployment environment (e.g. dev, staging, prod)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "consumer_role_name" {
  description = "Name of an existing IAM role (the bot-operations worker's) to attach the consumer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "producer_role_name" {
  description = "Name of an existing IAM role (the API's) to attach the producer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "max_receive_count" {
  description = "Redrive maxReceiveCount. Keep it well above BOT_OPERATIONS_MAX_ATTEMPTS (default 8): the worker dead-letters itself, and FIFO head-of-line releases also count as receives."
  type        = number
  default     = 20
}

variable "kms_master_key_id" {
  description = "KMS key for SSE-KMS. null uses SQS-managed SSE."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs notified by the queue alarms (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "Alarm when the oldest message on the bot-operations queue is older than this. 8 attempts with the default backoff (1 s doubling) take about 2 minutes; 15 minutes leaves room for Discord's rate-limit waits and for messages waiting behind a retried one in their FIFO group. Raise it with BOT_OPERATIONS_RETRY_BASE_SECONDS."
  type        = number
  default     = 900
}

variable "tags" {
  description = "Extra tags for the queue resources."
  type        = map(string)
  default     = {}
}
