resource "aws_dynamodb_table" "t" {
  name         = "t-bad\qescape"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
}
