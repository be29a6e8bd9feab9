# terraform/stacks/dns/main.tf: the public hosted zone of the manifest's domain and a private zone for names inside the VPC.
# A root module of the stacks catalogue (terraform/stacks/catalogue.json):
# the orchestrator runs it once per environment with terraform.tfvars.json.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

# Credentials come from the environment Stratus gives Terraform (AWS_*).
provider "aws" {
  region = var.region
  default_tags {
    tags = merge(var.tags, {
      Project     = var.project
      Environment = var.environment
      Stack       = "dns"
      ManagedBy   = "stratus"
    })
  }
}

locals {
  name = "${var.project}-${var.environment}"
}

resource "aws_route53_zone" "public" {
  name    = var.domain_name
  comment = "${local.name}: public zone"
}

resource "aws_route53_zone" "private" {
  name    = "internal.${var.domain_name}"
  comment = "${local.name}: names inside the VPC"
  vpc {
    vpc_id = var.vpc_id
  }
}
