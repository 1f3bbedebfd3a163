resource "aws_dynamodb_table" "t" {
  name             = "t-view-without-stream"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "pk"
  stream_view_type = "NEW_IMAGE"
  attribute {
    name = "pk"
    type = "S"
  }
}
