output "campaign_queue_url" {
  description = "Campaign task FIFO queue URL (CAMPAIGN_QUEUE_URL for the API and the worker)."
  value       = module.campaign_queue.queue_url
}

output "campaign_queue_arn" {
  description = "Campaign task FIFO queue ARN."
  value       = module.campaign_queue.queue_arn
}

output "campaign_dlq_url" {
  description = "Campaign task FIFO dead-letter queue URL (CAMPAIGN_QUEUE_DLQ_URL for the worker)."
  value       = module.campaign_queue.dlq_url
}

output "campaign_dlq_arn" {
  description = "Campaign task FIFO dead-letter queue ARN."
  value       = module.campaign_queue.dlq_arn
}

output "campaign_consumer_policy_arn" {
  description = "IAM policy ARN for the worker (consumer): receive/delete/extend and read attributes on the queue, send to the DLQ."
  value       = module.campaign_queue.consumer_policy_arn
}

output "campaign_producer_policy_arn" {
  description = "IAM policy ARN for the API (producer): send to the queue and read its attributes."
  value       = module.campaign_queue.producer_policy_arn
}
