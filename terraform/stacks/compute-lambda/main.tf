# terraform/stacks/compute-lambda/main.tf: the project's Lambda function, from a package in the artifacts bucket, in the private subnets, allowed to read the application secret.
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
      Stack       = "compute-lambda"
      ManagedBy   = "stratus"
    })
  }
}

locals {
  name = "${var.project}-${var.environment}"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${local.name}-${var.function_name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "vpc" {
  role       = aws_iam_role.function.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "secrets" {
  role       = aws_iam_role.function.name
  policy_arn = var.secrets_read_policy_arn
}

resource "aws_security_group" "function" {
  name        = "${local.name}-${var.function_name}-lambda"
  description = "Lambda ${var.function_name} of ${local.name}"
  vpc_id      = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${local.name}-${var.function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "main" {
  function_name = "${local.name}-${var.function_name}"
  role          = aws_iam_role.function.arn
  runtime       = var.runtime
  handler       = var.handler
  s3_bucket     = var.artifacts_bucket_name
  s3_key        = var.package_key
  memory_size   = var.memory_size
  timeout       = var.timeout_seconds
  kms_key_arn   = var.kms_key_arn

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.function.id]
  }

  environment {
    variables = {
      ENVIRONMENT    = var.environment
      APP_SECRET_ARN = var.app_secret_arn
    }
  }

  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy_attachment.vpc]
}
