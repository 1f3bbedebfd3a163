resource "aws_dynamodb_table" "t" {
  name         = "t-dup-arg"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  name         = "t-dup-arg-2"
  attribute {
    name = "pk"
    type = "S"
  }
}
