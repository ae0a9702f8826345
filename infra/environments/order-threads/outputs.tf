output "discord_queue_url" {
  description = "discord-queue URL (DISCORD_QUEUE_URL for the backend and the Discord bot)."
  value       = module.discord_queue.queue_url
}

output "discord_queue_arn" {
  description = "discord-queue ARN."
  value       = module.discord_queue.queue_arn
}

output "discord_dlq_url" {
  description = "discord-queue's dead-letter queue URL (the Discord bot dead-letters to it)."
  value       = module.discord_queue.dlq_url
}

output "discord_dlq_arn" {
  description = "discord-queue's dead-letter queue ARN."
  value       = module.discord_queue.dlq_arn
}

output "backend_queue_url" {
  description = "backend-queue URL (BACKEND_QUEUE_URL for the Discord bot and the backend)."
  value       = module.backend_queue.queue_url
}

output "backend_queue_arn" {
  description = "backend-queue ARN."
  value       = module.backend_queue.queue_arn
}

output "backend_dlq_url" {
  description = "backend-queue's dead-letter queue URL (the backend dead-letters to it; also found through the redrive policy)."
  value       = module.backend_queue.dlq_url
}

output "backend_dlq_arn" {
  description = "backend-queue's dead-letter queue ARN."
  value       = module.backend_queue.dlq_arn
}

output "backend_policy_arn" {
  description = "IAM policy ARN for the backend (API): send to discord-queue, consume backend-queue, dead-letter to its DLQ."
  value       = aws_iam_policy.backend.arn
}

output "discord_bot_policy_arn" {
  description = "IAM policy ARN for the Discord bot (worker): consume discord-queue, dead-letter to its DLQ, send to backend-queue."
  value       = aws_iam_policy.discord_bot.arn
}
