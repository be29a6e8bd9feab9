# The context variables: every stack declares them, the orchestrator sets
# them from the manifest and the environment being deployed.
variable "project" {
  type        = string
  description = "Project name from the manifest; prefixes resource names."
}

variable "environment" {
  type        = string
  description = "Environment being deployed (dev, stage, prod)."
}

variable "region" {
  type        = string
  description = "AWS region of the environment."
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource (organization, deployment id)."
  default     = {}
}

variable "repository_urls" {
  type        = map(string)
  description = "ECR repository URL by image name (services-ecr.repository_urls)."
}

variable "repository_arns" {
  type        = map(string)
  description = "ECR repository ARN by image name (services-ecr.repository_arns)."
}

variable "artifacts_bucket_name" {
  type        = string
  description = "Bucket of the build cache (storage.artifacts_bucket_name)."
}

variable "artifacts_bucket_arn" {
  type        = string
  description = "ARN of that bucket (storage.artifacts_bucket_arn)."
}

variable "source_location" {
  type        = string
  description = "HTTPS URL of the Git repository the images are built from."
}

variable "image_tag" {
  type        = string
  description = "Tag the builds push (repositories are immutable: bump it per release)."
  default     = "1.0.0"
}

variable "build_timeout_minutes" {
  type        = number
  description = "Minutes before a build is stopped."
  default     = 30
}
