resource "aws_dynamodb_table" "t" {
  name         = "t-two-ttl"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
  ttl {
    attribute_name = "expires"
    enabled        = true
  }
}
