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
  description = "KMS key images are encrypted with (security.kms_key_arn)."
}

variable "repositories" {
  type        = list(string)
  description = "Short names of the repositories, one per image (api, worker...)."
}

variable "image_tag_mutability" {
  type        = string
  description = "MUTABLE or IMMUTABLE: whether a tag may be pushed twice."
  default     = "IMMUTABLE"
}

variable "keep_images" {
  type        = number
  description = "Images kept per repository; older ones expire."
  default     = 30
}

variable "force_delete" {
  type        = bool
  description = "Let a destroy delete repositories that still hold images."
  default     = false
}
