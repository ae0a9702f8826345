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
  description = "Name of an existing IAM role (the campaign worker's) to attach the consumer policy to. The worker also sends the follow-up steps of a campaign, so attach the producer policy to it too (producer_role_names). null skips the attachment."
  type        = string
  default     = null
}

variable "producer_role_names" {
  description = "Names of existing IAM roles to attach the producer policy to: the API's (it queues a campaign's first step, retries and rollbacks) and the worker's (each step queues the next). Empty skips the attachments."
  type        = list(string)
  default     = []
}

variable "message_retention_seconds" {
  description = "Retention of campaign tasks, in seconds (default 1 day; the spec's 1 hour would let a task that waited out a long outage vanish and leave its campaign running)."
  type        = number
  default     = 86400
}

variable "max_receive_count" {
  description = "Redrive maxReceiveCount. Keep it equal to CAMPAIGN_MAX_RECEIVE_COUNT (default 20) and well above CAMPAIGN_MAX_ATTEMPTS (default 5): the worker dead-letters itself, and rate-limit waits and FIFO hand-backs count as receives."
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
  description = "Alarm when the oldest campaign task is older than this. A campaign normally finishes within a minute; a long Discord rate limit (retry-after) can hold a guild's tasks for minutes, so the default is 15 minutes. null disables the alarm."
  type        = number
  default     = 900
}

variable "tags" {
  description = "Extra tags for the queue resources."
  type        = map(string)
  default     = {}
}
