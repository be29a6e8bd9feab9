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

variable "issuer_url" {
  type        = string
  description = "Issuer of the tokens the API accepts (authentication.issuer_url)."
}

variable "user_pool_client_id" {
  type        = string
  description = "Audience of those tokens (authentication.user_pool_client_id)."
}

variable "lambda_function_name" {
  type        = string
  description = "Function behind the API (compute-lambda.function_name)."
}

variable "lambda_invoke_arn" {
  type        = string
  description = "Its invoke ARN (compute-lambda.invoke_arn)."
}

variable "cors_allow_origins" {
  type        = list(string)
  description = "Origins browsers may call the API from."
}

variable "throttling_burst_limit" {
  type        = number
  description = "Requests allowed in a burst."
  default     = 100
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady requests per second."
  default     = 50
}
