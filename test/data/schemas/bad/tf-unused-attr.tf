resource "aws_dynamodb_table" "t" {
  name         = "t-unused-attr"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "N"
  }
}
