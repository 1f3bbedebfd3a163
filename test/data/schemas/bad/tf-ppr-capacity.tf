resource "aws_dynamodb_table" "t" {
  name           = "t-ppr-capacity"
  billing_mode   = "PAY_PER_REQUEST"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
