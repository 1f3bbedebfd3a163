resource "aws_dynamodb_table" "t" {
  name         = "t-nonkey-nested"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  global_secondary_index {
    name               = "by-pk"
    hash_key           = "pk"
    projection_type    = "INCLUDE"
    non_key_attributes = [["a"]]
  }
}
