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
  description = "Name of an existing IAM role (the worker's) to attach the consumer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "producer_role_name" {
  description = "Name of an existing IAM role (the Discord bot's that sends prize events) to attach the producer policy to. null skips the attachment."
  type        = string
  default     = null
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
  description = "Alarm when the oldest message on the prize queue is older than this. The worker applies a batch in well under a second and gives a failing message 3 receives (10 s, 20 s backoff), so 10 minutes means it is down, stuck or cannot reach Postgres."
  type        = number
  default     = 600
}

variable "tags" {
  description = "Extra tags for the queue resources."
  type        = map(string)
  default     = {}
}
