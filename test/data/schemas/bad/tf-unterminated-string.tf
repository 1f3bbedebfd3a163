resource "aws_dynamodb_table" "t" {
  name     = "t-unterminated
  hash_key = "pk"
}
