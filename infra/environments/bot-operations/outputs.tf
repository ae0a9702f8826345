output "bot_operations_queue_url" {
  description = "Bot operations FIFO queue URL (BOT_OPERATIONS_QUEUE_URL for the API and the worker)."
  value       = module.bot_operations_queue.queue_url
}

output "bot_operations_queue_arn" {
  description = "Bot operations FIFO queue ARN."
  value       = module.bot_operations_queue.queue_arn
}

output "bot_operations_dlq_url" {
  description = "Bot operations FIFO dead-letter queue URL (BOT_OPERATIONS_DLQ_URL for the worker)."
  value       = module.bot_operations_queue.dlq_url
}

output "bot_operations_dlq_arn" {
  description = "Bot operations FIFO dead-letter queue ARN."
  value       = module.bot_operations_queue.dlq_arn
}

output "bot_operations_consumer_policy_arn" {
  description = "IAM policy ARN for the worker (consumer): receive/delete/extend on the queue, send to the DLQ."
  value       = module.bot_operations_queue.consumer_policy_arn
}

output "bot_operations_producer_policy_arn" {
  description = "IAM policy ARN for the API (producer): send to the queue."
  value       = module.bot_operations_queue.producer_policy_arn
}
