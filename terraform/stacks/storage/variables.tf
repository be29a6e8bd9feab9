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
  description = "KMS key objects are encrypted with (security.kms_key_arn)."
}

variable "versioning" {
  type        = bool
  description = "Keep every version of every object."
  default     = true
}

variable "force_destroy" {
  type        = bool
  description = "Let a destroy delete a bucket that still holds objects."
  default     = false
}
