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
  description = "VPC of the database (network.vpc_id)."
}

variable "vpc_cidr_block" {
  type        = string
  description = "Addresses allowed to connect (network.vpc_cidr_block)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets of the DB subnet group (network.private_subnet_ids)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for storage and the master secret (security.kms_key_arn)."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL major version."
  default     = "16"
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "allocated_storage" {
  type        = number
  description = "Storage in GiB."
  default     = 20
}

variable "db_name" {
  type        = string
  description = "Name of the database created with the instance."
  default     = "app"
}

variable "master_username" {
  type        = string
  description = "Master user name (its password is generated and kept by RDS)."
  default     = "stratus"
  sensitive   = true
}

variable "multi_az" {
  type        = bool
  description = "A standby in a second zone."
  default     = false
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups."
  default     = 7
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse deletes; when on, a destroy also keeps a final snapshot."
  default     = false
}
