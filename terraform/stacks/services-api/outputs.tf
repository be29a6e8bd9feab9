output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.main.id
}

output "api_endpoint" {
  description = "Base URL of the API."
  value       = aws_apigatewayv2_api.main.api_endpoint
}

output "stage_name" {
  description = "Name of the stage (auto-deployed)."
  value       = aws_apigatewayv2_stage.default.name
}
