resource "aws_dynamodb_table" "t" {
  name           = "t-bool-string"
  billing_mode   = "PAY_PER_REQUEST"
  hash_key       = "pk"
  stream_enabled = "yes"
  attribute {
    name = "pk"
    type = "S"
  }
}
