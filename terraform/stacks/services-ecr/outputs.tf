output "repository_urls" {
  description = "Repository URL by short name."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by short name."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "registry_id" {
  description = "The registry (account) the repositories are in."
  value       = one(distinct([for r in aws_ecr_repository.this : r.registry_id]))
}
