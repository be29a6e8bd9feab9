# terraform/stacks/services-ecr/main.tf: the ECR repositories of the project's images: encrypted, scanned on push, old images expired.
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
      Stack       = "services-ecr"
      ManagedBy   = "stratus"
    })
  }
}

locals {
  name = "${var.project}-${var.environment}"
}

resource "aws_ecr_repository" "this" {
  for_each             = toset(var.repositories)
  name                 = "${local.name}/${each.key}"
  image_tag_mutability = var.image_tag_mutability
  force_delete         = var.force_delete

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each   = aws_ecr_repository.this
  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the newest ${var.keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.keep_images
      }
      action = { type = "expire" }
    }]
  })
}
