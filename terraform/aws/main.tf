# terraform/aws/main.tf: the AWS module of Stratus's terraform executor.
# prepare_terraform_vars copies it into STRATUS_WORKDIR/<request_id>/ next to
# terraform.tfvars.json, written from the POST /provision request. The
# outputs are what terraform_apply reads with `terraform output -json`.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0"
    }
  }
}

variable "region" { type = string }
variable "instance_type" { type = string }
variable "subnet_id" { type = string }
variable "security_group_ids" { type = list(string) }
variable "ami_id" { type = string }
variable "instance_name_prefix" { type = string }
variable "instance_count" {
  type    = number
  default = 1
}

# Credentials come from the environment Stratus gives Terraform (AWS_*).
provider "aws" {
  region = var.region
}

resource "aws_instance" "this" {
  count                  = var.instance_count
  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = var.security_group_ids

  tags = {
    Name      = "${var.instance_name_prefix}-${count.index + 1}"
    ManagedBy = "stratus"
  }
}

output "instance_ids" {
  value = aws_instance.this[*].id
}

output "private_ips" {
  value = aws_instance.this[*].private_ip
}

output "public_ips" {
  value = aws_instance.this[*].public_ip
}
