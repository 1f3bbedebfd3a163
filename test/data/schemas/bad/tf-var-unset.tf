variable "table_name" {
  type = string
}

resource "aws_dynamodb_table" "t" {
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
