output "app_secret_arn" {
  description = "ARN of the application secret (not its value)."
  value       = aws_secretsmanager_secret.app.arn
}

output "app_secret_name" {
  description = "Name of the application secret."
  value       = aws_secretsmanager_secret.app.name
}

output "read_policy_arn" {
  description = "IAM policy to attach to a role that reads the secret."
  value       = aws_iam_policy.read.arn
}
