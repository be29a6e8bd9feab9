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
  description = "VPC of the load balancer (network.vpc_id)."
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Subnets of the load balancer (network.public_subnet_ids)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets of the tasks (network.private_subnet_ids)."
}

variable "repository_urls" {
  type        = map(string)
  description = "ECR repository URL by image name (services-ecr.repository_urls)."
}

variable "cluster_arn" {
  type        = string
  description = "ECS cluster the service runs in (services-ecs.cluster_arn)."
}

variable "task_execution_role_arn" {
  type        = string
  description = "Task execution role (services-ecs.task_execution_role_arn)."
}

variable "task_execution_role_name" {
  type        = string
  description = "Its name, to let it read the secret (services-ecs.task_execution_role_name)."
}

variable "tasks_security_group_id" {
  type        = string
  description = "Security group of the tasks (services-ecs.tasks_security_group_id)."
}

variable "app_secret_arn" {
  type        = string
  description = "Secret given to the container as APP_SECRET (secrets.app_secret_arn)."
}

variable "secrets_read_policy_arn" {
  type        = string
  description = "Policy that allows reading it (secrets.read_policy_arn)."
}

variable "db_endpoint" {
  type        = string
  description = "Database host (database-rds.db_endpoint)."
}

variable "db_port" {
  type        = number
  description = "Database port (database-rds.db_port)."
}

variable "app_name" {
  type        = string
  description = "Name of the service; also the ECR repository its image comes from."
}

variable "image_tag" {
  type        = string
  description = "Tag of the image to run."
  default     = "1.0.0"
}

variable "container_port" {
  type        = number
  description = "Port the container listens on."
  default     = 8080
}

variable "health_check_path" {
  type        = string
  description = "Path the load balancer checks."
  default     = "/health"
}

variable "cpu" {
  type        = number
  description = "CPU units of a task (1024 = one vCPU)."
  default     = 256
}

variable "memory" {
  type        = number
  description = "Memory of a task in MiB."
  default     = 512
}

variable "desired_count" {
  type        = number
  description = "Tasks to run."
  default     = 2
}
