output "sqs_queue_url" {
  description = "Prize distribution queue URL (AWS_SQS_QUEUE_URL for the worker; the Discord bot that sends prize events needs it too)."
  value       = module.prize_queue.queue_url
}

output "sqs_queue_arn" {
  description = "Prize distribution queue ARN."
  value       = module.prize_queue.queue_arn
}

output "sqs_dlq_url" {
  description = "Prize distribution dead-letter queue URL (AWS_SQS_DLQ_URL for the worker; also found through the redrive policy)."
  value       = module.prize_queue.dlq_url
}

output "sqs_dlq_arn" {
  description = "Prize distribution dead-letter queue ARN."
  value       = module.prize_queue.dlq_arn
}

output "sqs_consumer_policy_arn" {
  description = "IAM policy ARN for the worker (consumer): receive/delete/extend and read attributes on the queue, send to the DLQ."
  value       = module.prize_queue.consumer_policy_arn
}

output "sqs_producer_policy_arn" {
  description = "IAM policy ARN for the Discord bot that sends prize events (producer): send to the queue and read its attributes."
  value       = module.prize_queue.producer_policy_arn
}
