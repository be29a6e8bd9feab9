output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group."
  value       = aws_autoscaling_group.main.name
}

output "launch_template_id" {
  description = "ID of the launch template."
  value       = aws_launch_template.main.id
}

output "security_group_id" {
  description = "Security group of the instances."
  value       = aws_security_group.instances.id
}

output "instance_role_arn" {
  description = "Role the instances run as."
  value       = aws_iam_role.instance.arn
}
