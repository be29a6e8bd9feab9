output "kms_key_arn" {
  description = "ARN of the KMS key the other stacks encrypt with."
  value       = aws_kms_key.main.arn
}

output "kms_key_id" {
  description = "ID of the KMS key."
  value       = aws_kms_key.main.key_id
}

output "kms_alias_name" {
  description = "Alias of the KMS key."
  value       = aws_kms_alias.main.name
}

output "default_security_group_id" {
  description = "The default VPC's default security group, emptied of rules."
  value       = aws_default_security_group.default.id
}

output "account_id" {
  description = "The AWS account the stack was applied in."
  value       = data.aws_caller_identity.current.account_id
}
