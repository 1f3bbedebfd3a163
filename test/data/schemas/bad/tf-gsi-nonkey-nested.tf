resource "aws_dynamodb_table" "t" {
  name         = "t-gsi-nonkey-nested"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_dynamodb_global_secondary_index" "g" {
  table_name = aws_dynamodb_table.t.name
  index_name = "by-pk"
  hash_key   = "pk"
  projection {
    projection_type    = "INCLUDE"
    non_key_attributes = ["a", ["b"]]
  }
}
