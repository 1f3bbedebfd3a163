resource "aws_dynamodb_table" "t" {
  name = "bad_in"
  hash_key = "pk"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "pk"
    type = "S"
  }
  warp_speed = 9
}
