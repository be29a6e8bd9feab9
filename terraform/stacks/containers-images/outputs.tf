output "build_project_names" {
  description = "CodeBuild project name by image name."
  value       = { for k, p in aws_codebuild_project.image : k => p.name }
}

output "image_uris" {
  description = "Image URI (repository:tag) by image name, once built."
  value       = { for k, url in var.repository_urls : k => "${url}:${var.image_tag}" }
}

output "build_role_arn" {
  description = "Role the builds run as."
  value       = aws_iam_role.build.arn
}
