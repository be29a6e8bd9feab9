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

variable "vpc_id" {
  type        = string
  description = "VPC of the tasks' security group (network.vpc_id)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of ECS Exec sessions (security.kms_key_arn)."
}

variable "container_insights" {
  type        = bool
  description = "CloudWatch Container Insights metrics for the cluster."
  default     = true
}

variable "log_retention_days" {
  type        = number
  description = "Days ECS Exec session logs are kept."
  default     = 30
}
