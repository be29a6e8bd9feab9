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
  description = "VPC of the instances' security group (network.vpc_id)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets the group launches into (network.private_subnet_ids)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the root volumes (security.kms_key_arn)."
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type."
}

variable "min_size" {
  type        = number
  description = "Fewest instances (also the starting count)."
  default     = 1
}

variable "max_size" {
  type        = number
  description = "Most instances."
  default     = 2
}

variable "root_volume_gb" {
  type        = number
  description = "Size of each root volume in GiB."
  default     = 20
}
