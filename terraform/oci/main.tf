# terraform/oci/main.tf: the OCI module of Stratus's terraform executor
# (bare-metal or VM instances, by shape). prepare_terraform_vars copies it
# into STRATUS_WORKDIR/<request_id>/ next to terraform.tfvars.json.

terraform {
  required_providers {
    oci = {
      source  = "oracle/oci"
      version = ">= 5.0"
    }
  }
}

variable "region" { type = string }
variable "compartment_id" { type = string }
variable "availability_domain" { type = string }
variable "shape" { type = string }
variable "image_id" { type = string }
variable "subnet_id" { type = string }
variable "instance_name_prefix" { type = string }
variable "instance_count" {
  type    = number
  default = 1
}

# Credentials come from the environment Stratus gives Terraform: the
# provider reads OCI_TENANCY_OCID, OCI_USER_OCID, OCI_FINGERPRINT and
# OCI_PRIVATE_KEY_PATH itself.
provider "oci" {
  region = var.region
}

resource "oci_core_instance" "this" {
  count               = var.instance_count
  compartment_id      = var.compartment_id
  availability_domain = var.availability_domain
  shape               = var.shape
  display_name        = "${var.instance_name_prefix}-${count.index + 1}"

  source_details {
    source_type = "image"
    source_id   = var.image_id
  }

  create_vnic_details {
    subnet_id        = var.subnet_id
    assign_public_ip = true
  }

  freeform_tags = {
    "ManagedBy" = "stratus"
  }
}

output "instance_ids" {
  value = oci_core_instance.this[*].id
}

output "private_ips" {
  value = oci_core_instance.this[*].private_ip
}

output "public_ips" {
  value = oci_core_instance.this[*].public_ip
}
