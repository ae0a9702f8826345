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
  description = "Name of an existing IAM role (the worker's, running the campaign consumer) to attach the consumer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "producer_role_name" {
  description = "Name of an existing IAM role (the API's) to attach the producer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "message_retention_seconds" {
  description = "How long the campaign queue keeps a task. The spec says 1 hour, but SQS deletes expired messages without dead-lettering them, so a worker outage longer than that (a failed deploy, a rejected bot token, a Postgres outage during which consumers pause) would lose tasks silently and leave campaigns half built. The default is 4 days, like the other queues (a weekend outage loses nothing); at least 1 day is enforced."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 86400
    error_message = "message_retention_seconds must be at least 86400 (1 day), so tasks survive a worker outage."
  }
}

variable "max_receive_count" {
  description = "Redrive maxReceiveCount. Keep it well above the worker's own attempt limit: the worker dead-letters itself, and FIFO head-of-line releases also count as receives."
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
  description = "Alarm when the oldest campaign task is older than this. A campaign's tasks normally finish in seconds while the user watches its progress message, whose interaction token Discord accepts for 15 minutes; 5 minutes leaves room for rate-limit waits and still alarms while the message can be updated."
  type        = number
  default     = 300
}

variable "tags" {
  description = "Extra tags for the queue resources."
  type        = map(string)
  default     = {}
}
