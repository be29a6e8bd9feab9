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
  description = "VPC of the function's security group (network.vpc_id)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets the function runs in (network.private_subnet_ids)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the environment variables (security.kms_key_arn)."
}

variable "app_secret_arn" {
  type        = string
  description = "Secret the function reads at start (secrets.app_secret_arn)."
}

variable "secrets_read_policy_arn" {
  type        = string
  description = "Policy that allows reading it (secrets.read_policy_arn)."
}

variable "artifacts_bucket_name" {
  type        = string
  description = "Bucket holding the deployment package (storage.artifacts_bucket_name)."
}

# The defaults below make a working function with no configuration at all:
# the template sets none of them (hence the document's "no configuration
# overrides" warning for this stack).
variable "function_name" {
  type        = string
  description = "Short name of the function (prefixed with project-environment)."
  default     = "api"
}

variable "package_key" {
  type        = string
  description = "Key of the deployment package (a .zip) in the artifacts bucket."
  default     = "lambda/api.zip"
}

variable "runtime" {
  type        = string
  description = "Lambda runtime."
  default     = "python3.12"
}

variable "handler" {
  type        = string
  description = "Entry point of the function."
  default     = "app.handler"
}

variable "memory_size" {
  type        = number
  description = "Memory in MiB."
  default     = 256
}

variable "timeout_seconds" {
  type        = number
  description = "Seconds before an invocation is stopped."
  default     = 15
}

variable "log_retention_days" {
  type        = number
  description = "Days the function's logs are kept."
  default     = 30
}
