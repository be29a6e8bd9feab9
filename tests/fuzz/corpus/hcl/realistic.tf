# Generated infrastructure: a small web service.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket = "stratus-state"
    key    = "web/terraform.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.common_tags
  }
}

variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "Where to deploy"
}

variable "instance_count" {
  type    = number
  default = 2
  validation {
    condition     = var.instance_count > 0 && var.instance_count <= 10
    error_message = "Between 1 and 10 instances, please."
  }
}

variable "ingress" {
  type = list(object({ port = number, cidr = string }))
  default = [
    { port = 80, cidr = "0.0.0.0/0" },
    { port = 443, cidr = "0.0.0.0/0" },
  ]
}

locals {
  name = "web-${var.region}"
  common_tags = {
    Project     = "stratus"
    Environment = terraform.workspace == "default" ? "dev" : terraform.workspace
  }
  ports    = [for rule in var.ingress : rule.port if rule.port != 22]
  by_port  = { for i, rule in var.ingress : tostring(rule.port) => rule.cidr... }
  az_names = data.aws_availability_zones.available.names[*]
  first_az = data.aws_availability_zones.available.names.0
  ratio    = (var.instance_count * 2 + 1) / 3 % 2
  negated  = !true || -1 < 0
  scaled   = 1.5e3
}

data "aws_availability_zones" "available" {
  state = "available"
}

/* The network. */
resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = merge(local.common_tags, { Name = "${local.name}-vpc" })
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id

  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }

  egress { from_port = 0 }
}

resource "aws_instance" "web" {
  count         = var.instance_count
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  subnet_id     = element(aws_subnet.public[*].id, count.index)
  user_data     = <<-EOT
    #!/bin/bash
    echo "Hello from ${local.name}" > /var/www/index.html
    %{ for p in local.ports ~}
    echo "port ${p}"
    %{ endfor ~}
    echo 'costs $${HOME}'
  EOT
  tags = {
    Name = "web-${count.index}"
    Note = "tab\there, quote \" and caf\u00e9 \U0001F600"
  }
  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags["Note"], user_data]
  }
  depends_on = [aws_security_group.web]
}

resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.small"
  allocated_storage = 50
  password          = null
  multi_az          = false
  username          = "app%{ if var.region == "eu-west-1" }-eu%{ else }-other%{ endif }"
}

module "cdn" {
  source = "./modules/cdn"
  origin = aws_instance.web[0].public_dns
}

output "instance_ips" {
  value       = aws_instance.web.*.public_ip
  description = "Public IPs"
}

output "summary" {
  value = join(", ", [
    for i in aws_instance.web : "${i.id}=${i.private_ip}"
  ])
  sensitive = false
}

output "json" {
  value = jsonencode({
    ports = local.ports,
    zones = local.az_names
  })
}

output "args" {
  value = max(local.ports...)
}
