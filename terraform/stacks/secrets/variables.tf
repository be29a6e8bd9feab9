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

variable "kms_key_arn" {
  type        = string
  description = "KMS key the secret is encrypted with (security.kms_key_arn)."
}

variable "recovery_window_in_days" {
  type        = number
  description = "Days a deleted secret can be restored (0 deletes at once)."
  default     = 7
}

variable "app_secrets" {
  type        = map(string)
  description = "Key/value pairs stored in the secret; set out of band, never in a manifest."
  default     = {}
  sensitive   = true
}
