variable "name" {
  description = "Service name, e.g. marketplace-discord-worker-prod."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster to run in (Container Insights on: scaling reads its RunningTaskCount)."
  type        = string
}

variable "image" {
  description = "The project's image (Dockerfile), e.g. <account>.dkr.ecr.<region>.amazonaws.com/discord-queue-backbone:<tag>."
  type        = string
}

variable "command" {
  description = "Which app the task runs."
  type        = list(string)
  default     = ["node", "dist/apps/worker/src/main.js"]
}

variable "cpu" {
  type    = number
  default = 512
}

variable "memory" {
  type    = number
  default = 1024
}

variable "subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

variable "assign_public_ip" {
  type    = bool
  default = false
}

variable "task_role_arn" {
  description = "The worker's role: attach the queue modules' consumer policies to it (this module adds task scale-in protection)."
  type        = string
}

variable "task_role_name" {
  description = "Name of task_role_arn's role, to attach the task-protection policy to."
  type        = string
}

variable "execution_role_arn" {
  description = "Pulls the image, writes logs, reads the secrets below."
  type        = string
}

variable "environment" {
  description = "Plain settings (queue URLs from the queue modules' outputs, WORKER_CONSUMERS, timeouts)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Settings read from Secrets Manager or SSM at start: name → ARN (DATABASE_URL, DISCORD_BOT_TOKEN)."
  type        = map(string)
  default     = {}
}

variable "shutdown_drain_timeout_ms" {
  description = "SHUTDOWN_DRAIN_TIMEOUT_MS given to the worker; stop_timeout covers it."
  type        = number
  default     = 7000
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL (ECS allows at most 120 on Fargate)."
  type        = number
  default     = 30

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 2 and 120 seconds (ECS's limit)."
  }
}

variable "scaling_queue_names" {
  description = "Names of the queues the worker consumes; their backlog (visible + in flight) drives scaling."
  type        = list(string)
}

variable "backlog_per_task" {
  description = "Target messages (visible + in flight, summed over the queues) per running task."
  type        = number
  default     = 100
}

variable "min_count" {
  description = "At least 1: the backlog per task divides by the running tasks (and the first message should not wait for a cold start)."
  type        = number
  default     = 1

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  type    = number
  default = 10
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "tags" {
  type    = map(string)
  default = {}
}
