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

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the VPC (a /16: subnets are /24s of it)."
  default     = "10.0.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones to spread the subnets over."
  default     = 2
}

variable "enable_nat_gateway" {
  type        = bool
  description = "Give the private subnets a way out through one NAT gateway."
  default     = true
}
