output "sqs_queue_url" {
  description = "Prize distribution queue URL (AWS_SQS_QUEUE_URL for the API and worker)."
  value       = module.prize_queue.queue_url
}

output "sqs_dlq_url" {
  description = "Prize distribution dead-letter queue URL."
  value       = module.prize_queue.dlq_url
}

output "sqs_consumer_policy_arn" {
  description = "IAM policy ARN for the worker (consumer)."
  value       = module.prize_queue.consumer_policy_arn
}

output "sqs_producer_policy_arn" {
  description = "IAM policy ARN for the API (producer)."
  value       = module.prize_queue.producer_policy_arn
}
