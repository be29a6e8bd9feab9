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

variable "private_subnet_ids" {
  type        = list(string)
  description = "Subnets of the control plane's interfaces and the nodes (network.private_subnet_ids)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key Kubernetes secrets are encrypted with (security.kms_key_arn)."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane."
}

variable "public_endpoint" {
  type        = bool
  description = "Expose the API server endpoint on the internet."
  default     = false
}

variable "node_instance_types" {
  type        = list(string)
  description = "EC2 instance types of the node group."
  default     = ["t3.medium"]
}

variable "node_desired_size" {
  type        = number
  description = "Nodes to run."
  default     = 2
}

variable "node_max_size" {
  type        = number
  description = "Most nodes the group may grow to."
  default     = 4
}
