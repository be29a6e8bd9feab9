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

variable "domain_name" {
  type        = string
  description = "The deployment's domain (the manifest's domain), e.g. myproject.example.com."
}

variable "vpc_id" {
  type        = string
  description = "VPC the private zone answers in (network.vpc_id)."
}
