resource "aws_dynamodb_table" "t" {
  name         = "t-missing-brace"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"

