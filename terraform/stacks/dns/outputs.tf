output "zone_id" {
  description = "ID of the public hosted zone."
  value       = aws_route53_zone.public.zone_id
}

output "domain_name" {
  description = "The domain the public zone serves."
  value       = aws_route53_zone.public.name
}

output "name_servers" {
  description = "Name servers to delegate the domain to."
  value       = aws_route53_zone.public.name_servers
}

output "private_zone_id" {
  description = "ID of the private hosted zone."
  value       = aws_route53_zone.private.zone_id
}

output "private_domain_name" {
  description = "The private zone's domain (internal.<domain>)."
  value       = aws_route53_zone.private.name
}
