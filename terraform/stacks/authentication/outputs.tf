output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = aws_cognito_user_pool.main.id
}

output "user_pool_arn" {
  description = "ARN of the Cognito user pool."
  value       = aws_cognito_user_pool.main.arn
}

output "issuer_url" {
  description = "OIDC issuer of the pool's tokens."
  value       = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.main.id}"
}

output "user_pool_client_id" {
  description = "ID of the app client (the tokens' audience)."
  value       = aws_cognito_user_pool_client.app.id
}

output "user_pool_client_secret" {
  description = "Secret of the app client."
  value       = aws_cognito_user_pool_client.app.client_secret
  sensitive   = true
}

output "hosted_ui_domain" {
  description = "Domain of the Cognito hosted UI."
  value       = "${aws_cognito_user_pool_domain.main.domain}.auth.${var.region}.amazoncognito.com"
}
