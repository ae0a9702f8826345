output "queue_url" {
  description = "URL of the main queue."
  value       = aws_sqs_queue.main.url
}

output "queue_arn" {
  description = "ARN of the main queue."
  value       = aws_sqs_queue.main.arn
}

output "queue_name" {
  description = "Name of the main queue (including .fifo for FIFO queues)."
  value       = aws_sqs_queue.main.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (including .fifo for FIFO queues)."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "consumer_policy_arn" {
  description = "ARN of the IAM policy for consumers (receive/delete/extend on the queue, send to the DLQ), or null when create_iam_policies = false."
  value       = one(aws_iam_policy.consumer[*].arn)
}

output "producer_policy_arn" {
  description = "ARN of the IAM policy for producers (send to the queue), or null when create_iam_policies = false."
  value       = one(aws_iam_policy.producer[*].arn)
}

output "dlq_alarm_arn" {
  description = "ARN of the CloudWatch alarm on DLQ depth."
  value       = aws_cloudwatch_metric_alarm.dlq_depth.arn
}

output "oldest_message_age_alarm_arn" {
  description = "ARN of the CloudWatch alarm on the main queue's oldest message age."
  value       = aws_cloudwatch_metric_alarm.oldest_message_age.arn
}

output "send_actions" {
  description = "The IAM actions the producer policy grants on the queue (and the consumer policy on the DLQ), for callers that write their own policies."
  value       = local.send_actions
}

output "consume_actions" {
  description = "The IAM actions the consumer policy grants on the queue, for callers that write their own policies."
  value       = local.consume_actions
}
