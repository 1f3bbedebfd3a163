resource "aws_dynamodb_table" "t" {
  name        = "t-unknown-arg"
  billing_mod = "PAY_PER_REQUEST"
  hash_key    = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
