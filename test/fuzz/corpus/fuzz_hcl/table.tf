variable "env" { default = "dev" }
resource "aws_dynamodb_table" "t" {
  name         = "cruddur-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  global_secondary_index {
    name            = "by-sk"
    hash_key        = "sk"
    projection_type = "ALL"
  }
  ttl {
    attribute_name = "expires"
    enabled        = true
  }
  tags = { project = "cruddur", env = var.env }
}
