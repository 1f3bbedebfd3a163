resource "aws_dynamodb_table" "t" {
  name = "${var.nope}"
  hash_key = "pk"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "pk"
    type = "S"
  }
}
