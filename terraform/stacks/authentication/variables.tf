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
  description = "Domain the app is served on, for the OAuth callback URLs (dns.domain_name)."
}

variable "groups" {
  type        = list(string)
  description = "User groups (the API maps them to roles)."
  default     = ["Administrators", "Developers", "ReadOnly"]
}

variable "mfa_configuration" {
  type        = string
  description = "OFF, OPTIONAL or ON: TOTP multi-factor authentication."
}

variable "password_minimum_length" {
  type        = number
  description = "Shortest password accepted."
  default     = 12
}
