terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Configure a remote backend (e.g. S3 + DynamoDB lock) per account before use:
  # backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

module "prize_queue" {
  source = "../../modules/sqs-queue"

  name = "${var.project}-prize-distribution-${var.environment}"

  # Values from the spec (they are also the module defaults).
  visibility_timeout_seconds = 30
  receive_wait_time_seconds  = 5
  max_receive_count          = 3

  kms_master_key_id = var.kms_master_key_id
  alarm_actions     = var.alarm_actions

  oldest_message_age_alarm_threshold_seconds = var.oldest_message_age_alarm_threshold_seconds

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "consumer" {
  count = var.consumer_role_name != null ? 1 : 0

  role       = var.consumer_role_name
  policy_arn = module.prize_queue.consumer_policy_arn
}

resource "aws_iam_role_policy_attachment" "producer" {
  count = var.producer_role_name != null ? 1 : 0

  role       = var.producer_role_name
  policy_arn = module.prize_queue.producer_policy_arn
}
