resource "aws_dynamodb_table" "t" {
  name         = "t-no-hash"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "pk"
    type = "S"
  }
}
