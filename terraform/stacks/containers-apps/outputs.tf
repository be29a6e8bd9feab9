output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.app.name
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.app.dns_name
}

output "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer (for CloudWatch dimensions)."
  value       = aws_lb.app.arn_suffix
}

output "target_group_arn" {
  description = "ARN of the target group."
  value       = aws_lb_target_group.app.arn
}

output "app_url" {
  description = "URL of the application through the load balancer."
  value       = "http://${aws_lb.app.dns_name}/"
}
