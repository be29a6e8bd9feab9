output "db_instance_id" {
  description = "Identifier of the RDS instance (for CloudWatch dimensions)."
  value       = aws_db_instance.main.identifier
}

output "db_endpoint" {
  description = "Host name applications connect to."
  value       = aws_db_instance.main.address
}

output "db_port" {
  description = "Port applications connect to."
  value       = aws_db_instance.main.port
}

output "db_name" {
  description = "Name of the application database."
  value       = aws_db_instance.main.db_name
}

output "db_security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}

output "master_username" {
  description = "Master user name."
  value       = aws_db_instance.main.username
  sensitive   = true
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret holding the master password (its ARN, not the password)."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}
