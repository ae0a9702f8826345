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

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "consumer_policy_arn" {
  description = "ARN of the IAM policy for consumers (receive/delete/extend on the queue, send to the DLQ)."
  value       = aws_iam_policy.consumer.arn
}

output "producer_policy_arn" {
  description = "ARN of the IAM policy for producers (send to the queue)."
  value       = aws_iam_policy.producer.arn
}

output "dlq_alarm_arn" {
  description = "ARN of the CloudWatch alarm on DLQ depth."
  value       = aws_cloudwatch_metric_alarm.dlq_depth.arn
}
