resource "aws_dynamodb_table" "t" {
  name         = "t-stray" "token"
  hash_key     = "pk"
}
