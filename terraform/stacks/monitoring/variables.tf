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

variable "db_instance_id" {
  type        = string
  description = "RDS instance to watch (database-rds.db_instance_id)."
}

variable "cluster_name" {
  type        = string
  description = "ECS cluster of the service (services-ecs.cluster_name)."
}

variable "service_name" {
  type        = string
  description = "ECS service to watch (containers-apps.service_name)."
}

variable "load_balancer_arn_suffix" {
  type        = string
  description = "Load balancer to watch (containers-apps.load_balancer_arn_suffix)."
}

variable "function_name" {
  type        = string
  description = "Lambda function to watch (compute-lambda.function_name)."
}

variable "alarm_email" {
  type        = string
  description = "Address alarms are mailed to (it must confirm); empty for none."
  default     = ""
}

variable "cpu_threshold" {
  type        = number
  description = "CPU percentage above which the CPU alarms fire."
  default     = 80
}

variable "lambda_error_threshold" {
  type        = number
  description = "Lambda errors in five minutes above which the alarm fires."
  default     = 0
}
