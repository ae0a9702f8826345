variable "project" {
  description = "Project name, used as the queue and IAM policy name prefix."
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

variable "backend_role_name" {
  description = "Name of an existing IAM role (the backend API's) to attach the backend policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "discord_bot_role_name" {
  description = "Name of an existing IAM role (the Discord bot worker's) to attach the Discord bot policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "kms_master_key_id" {
  description = "KMS key for SSE-KMS on all four queues. null uses SQS-managed SSE."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs notified by the queue alarms (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "oldest_message_age_alarm_threshold_seconds" {
  description = "Alarm when the oldest message on discord-queue or backend-queue is older than this. A healthy consumer empties them in seconds; 3 receives with the default backoff (10 s, 20 s) take well under a minute. null disables these alarms."
  type        = number
  default     = 600
}

variable "tags" {
  description = "Extra tags for the queue and IAM resources."
  type        = map(string)
  default     = {}
}
