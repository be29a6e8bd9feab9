output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.main.arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.main.name
}

output "task_execution_role_arn" {
  description = "Role ECS pulls images and writes logs with."
  value       = aws_iam_role.task_execution.arn
}

output "task_execution_role_name" {
  description = "Name of that role (to attach more policies)."
  value       = aws_iam_role.task_execution.name
}

output "tasks_security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.tasks.id
}
