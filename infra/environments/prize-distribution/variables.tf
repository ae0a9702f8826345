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
  description = "Name of an existing IAM role (the API's) to attach the producer policy to. null skips the attachment."
  type        = string
  default     = null
}

variable "kms_master_key_id" {
  description = "KMS key for SSE-KMS. null uses SQS-managed SSE."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs notified by the DLQ depth alarm (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags for the queue resources."
  type        = map(string)
  default     = {}
}
