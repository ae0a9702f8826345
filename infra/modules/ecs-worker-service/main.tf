# The worker as an ECS service on Fargate: graceful stop within ECS's limit, target tracking on
# the queues' backlog per task, and task scale-in protection while a task holds messages (the
# worker asks for it through the ECS agent, ECS_AGENT_URI, when messages are in hand).

data "aws_region" "current" {}

locals {
  container = "worker"
  # The app exits at the drain deadline + 2.5 s at the latest (libs/runtime/src/bootstrap.ts).
  needed_stop_timeout = ceil(var.shutdown_drain_timeout_ms / 1000 + 2.5)
  backlog_metrics = merge(
    { for i, q in var.scaling_queue_names : "visible${i}" => { queue = q, metric = "ApproximateNumberOfMessagesVisible" } },
    { for i, q in var.scaling_queue_names : "inflight${i}" => { queue = q, metric = "ApproximateNumberOfMessagesNotVisible" } },
  )
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = var.task_role_arn
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name        = local.container
      image       = var.image
      command     = var.command
      essential   = true
      stopTimeout = var.stop_timeout
      environment = [
        for k, v in merge(var.environment, { SHUTDOWN_DRAIN_TIMEOUT_MS = tostring(var.shutdown_drain_timeout_ms), PORT = "3001" }) : { name = k, value = v }
      ]
      secrets = [for k, v in var.secrets : { name = k, valueFrom = v }]
      # Liveness only (the process answers): a Postgres or SQS outage must not replace every task.
      healthCheck = {
        command     = ["CMD", "node", "-e", "fetch('http://127.0.0.1:3001/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      readonlyRootFilesystem = true
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "worker"
        }
      }
    }
  ])

  lifecycle {
    precondition {
      condition     = var.stop_timeout >= local.needed_stop_timeout
      error_message = "stop_timeout must cover the worker's drain deadline + 2.5 s (${local.needed_stop_timeout} s)."
    }
  }

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster_name
  task_definition                    = aws_ecs_task_definition.this.arn
  launch_type                        = "FARGATE"
  desired_count                      = var.min_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    # The autoscaling policy owns the count.
    ignore_changes = [desired_count]
  }

  tags = var.tags
}

# The worker protects its own task while it holds messages (ECS agent endpoint): needs these two.
resource "aws_iam_role_policy" "task_protection" {
  name = "${var.name}-task-protection"
  role = var.task_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]
      Resource = "*"
    }]
  })
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

# Backlog per task: (visible + in flight over every queue) / running tasks, kept near the target.
# In-flight messages count, so tasks still working are not scaled in as if idle; a task that
# holds messages is protected from scale-in anyway (see above).
resource "aws_appautoscaling_policy" "backlog_per_task" {
  name               = "${var.name}-backlog-per-task"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  policy_type        = "TargetTrackingScaling"

  target_tracking_scaling_policy_configuration {
    target_value       = var.backlog_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      # visible0, inflight0, visible1, …: each queue's waiting and in-flight messages.
      dynamic "metrics" {
        for_each = local.backlog_metrics
        content {
          id          = metrics.key
          return_data = false
          metric_stat {
            stat = "Sum"
            metric {
              namespace   = "AWS/SQS"
              metric_name = metrics.value.metric
              dimensions {
                name  = "QueueName"
                value = metrics.value.queue
              }
            }
          }
        }
      }
      metrics {
        id          = "tasks"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = var.cluster_name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.this.name
            }
          }
        }
      }
      metrics {
        id          = "backlog_per_task"
        label       = "Messages (visible + in flight) per running task"
        expression  = "(${join(" + ", keys(local.backlog_metrics))}) / tasks"
        return_data = true
      }
    }
  }
}
