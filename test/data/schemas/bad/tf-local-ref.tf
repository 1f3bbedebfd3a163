resource "aws_dynamodb_table" "t" {
  name         = "t-local-ref"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = local.key
  attribute {
    name = "pk"
    type = "S"
  }
}
