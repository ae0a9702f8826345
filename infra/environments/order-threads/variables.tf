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

variable "discord_queue_oldest_message_age_alarm_threshold_seconds" {
  description = "Alarm when the oldest message on discord-queue is older than this. The bot handles a request in seconds; 3 attempts with backoff, rate-limit waits and a Phase 4 request waiting for its thread (every 15 s) stay well under 10 minutes. A rejected bot token holds every message (retried every 300 s) and should alarm."
  type        = number
  default     = 600
}

variable "backend_queue_oldest_message_age_alarm_threshold_seconds" {
  description = "Alarm when the oldest message on backend-queue is older than this. The API applies answers in one transaction per batch; 3 receives with the default backoff (10 s, 20 s) take well under a minute."
  type        = number
  default     = 600
}

variable "tags" {
  description = "Extra tags for the queue and IAM resources."
  type        = map(string)
  default     = {}
}
